"""``cioctl estimate``: segment conditions compiled to SQL (``compile``), run on DuckDB or
Spark over the team's own people and events (``run``), rendered as text, JSON or Markdown."""
