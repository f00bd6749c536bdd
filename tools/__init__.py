"""Offline build tools: run by hand to rebuild data files; not part of the installed package."""
