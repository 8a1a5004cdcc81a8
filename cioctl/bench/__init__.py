"""Benchmarks (``make bench``): generated workspaces and measured figures, never asserted."""
