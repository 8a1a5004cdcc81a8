"""Scenario files for ``cioctl test``: the format, loading and checks, running, reports."""
