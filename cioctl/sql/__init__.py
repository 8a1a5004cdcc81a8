"""SQL over the team's own data: the data-source layer (``sources``), the engines that run a
query (``engines``: DuckDB embedded, Spark on a cluster) and the canonical views both build."""
