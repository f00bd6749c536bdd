"""The campaigns stage: copied texts, coordinated posting, and the sources posts come from.

``neardup`` clusters near-duplicate posts (MinHash LSH), ``coordination`` flags campaigns
from the clusters and the accounts' words, ``sources`` profiles pages, outlets, rooms and
pseudonymous accounts and says who spoke first; ``service`` runs them over a store
(clusters before topics, campaigns after them, sources after linking). Nothing is imported
here, so the API reads ``sources`` without loading the clustering libraries.
"""
