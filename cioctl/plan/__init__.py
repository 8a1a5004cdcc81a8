"""The plan: diffing desired against live state into ordered, frozen changes."""
