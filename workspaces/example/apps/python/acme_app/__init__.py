"""A tiny example app that sends its events through the tracker cioctl generated."""
