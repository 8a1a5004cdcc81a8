"""Renderers: they only read values (problems, plans) and return text."""
