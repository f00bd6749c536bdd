"""Siang's default configuration (``siang.yaml``), shipped as package data."""
