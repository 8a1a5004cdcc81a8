"""Definitions models: one module per kind, all frozen, all strict about keys."""
