"""Synthetic sample data."""
