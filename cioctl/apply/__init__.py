"""Apply: carry out a plan's changes in dependency order, converging under faults."""
