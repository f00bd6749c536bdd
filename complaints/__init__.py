"""Complaints stage: formal complaints from 1111 exports and Traffy Fondue into the store.

``exports`` reads 1111 CSV/JSON exports through the field mapping in config, ``traffy``
speaks Traffy Fondue's Exchange API and its webhooks, and ``service`` validates, dedupes
and records status changes with their history.
"""
