"""``python -m bench.es_ingest``: see ``bench.es_ingest.run``."""

from __future__ import annotations

import sys

from bench.es_ingest.run import main

sys.exit(main())
