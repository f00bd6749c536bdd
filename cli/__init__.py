"""The ``siang`` command-line tool: :data:`cli.main.app`, one module per command group."""

__all__: list[str] = []
