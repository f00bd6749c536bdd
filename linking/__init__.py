"""Linking stage: social posts ↔ formal complaints, with explanations."""

from linking.service import SIGNALS, Linker, explain

__all__ = ["SIGNALS", "Linker", "explain"]
