"""The dashboard: sources in ``web/``, the bundle ``build.sh`` writes to ``static/`` (package
data, served by ``api.dashboard``)."""
