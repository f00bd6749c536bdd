"""Linking stage: social posts ↔ formal complaints, with explanations an officer can check."""

from linking.service import Linker, complaints_for_topic, link_store
from linking.signals import SIGNALS, explain

__all__ = ["SIGNALS", "Linker", "complaints_for_topic", "explain", "link_store"]
