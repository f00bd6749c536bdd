"""The ``siang`` command-line tool."""
