"""The engines that run a compiled query: DuckDB embedded (the default), Spark on a cluster.

Both offer the same small surface — :meth:`Runner.load` a table's files as a raw view, read
its column kinds, create the canonical views (``cioctl.sql.canonical``) and
:meth:`Runner.rows` of a sqlglot query — so the compiler never knows which one runs it.
Both run in UTC, with a failed cast giving NULL (section 2's *absent*), never an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from sqlglot import exp

from cioctl.errors import CioctlError, ConfigError
from cioctl.model.sources import DataSources
from cioctl.sql.canonical import Flavour, events_view, people_view
from cioctl.sql.sources import ColumnKind, FileFormat, SourceFiles, cached_parquet

Row = tuple[Any, ...]


class EngineError(CioctlError):
    """The engine refused a query or a file (the engine's own message is kept)."""


class Runner(Protocol):
    """What an engine offers the compiler."""

    name: str
    flavour: Flavour

    def load(self, view: str, source: SourceFiles) -> Mapping[str, ColumnKind]: ...
    def create_view(self, view: str, query: exp.Expr) -> None: ...
    def materialize(self, table: str, query: exp.Expr) -> None: ...
    def rows(self, query: exp.Expr) -> list[Row]: ...
    def close(self) -> None: ...


def _duckdb_kind(type_name: str) -> ColumnKind:
    upper = type_name.upper()
    if upper.endswith("]"):
        return ColumnKind.LIST
    if upper.startswith(("STRUCT", "MAP")):
        return ColumnKind.STRUCT
    if upper == "JSON":
        return ColumnKind.JSON
    if upper.startswith(("VARCHAR", "UUID")):
        return ColumnKind.TEXT
    if upper.startswith(("TIMESTAMP", "DATE")):
        return ColumnKind.TIMESTAMP
    if upper == "BOOLEAN":
        return ColumnKind.BOOLEAN
    numeric = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE",
               "DECIMAL", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
    return ColumnKind.NUMBER if upper.startswith(numeric) else ColumnKind.OTHER


class DuckDBRunner:
    """DuckDB in this process; pass a connection to reuse one (tests, the property test)."""

    name = "duckdb"
    flavour = Flavour("duckdb")

    def __init__(self, connection: Any = None, *, threads: int | None = None) -> None:
        import duckdb

        self._duckdb = duckdb
        self.connection: Any = connection if connection is not None else duckdb.connect()
        self.connection.execute("SET TimeZone = 'UTC'")
        if threads is not None:
            self.connection.execute(f"SET threads = {int(threads)}")

    def load(self, view: str, source: SourceFiles) -> Mapping[str, ColumnKind]:
        files = [str(f) for f in source.files]
        try:
            if source.format is FileFormat.CSV:
                relation = self.connection.read_csv(files, header=True)
            elif source.format is FileFormat.JSONL:
                relation = self.connection.read_json(files, format="newline_delimited")
            else:
                relation = self.connection.read_parquet(files)
            relation.create_view(view, replace=True)
        except self._duckdb.Error as error:
            raise ConfigError(f"{source.describe()}: cannot read: {error}",
                              hint="check the file is valid Parquet, CSV or JSON Lines") from None
        described = self.connection.execute(f'DESCRIBE "{view}"').fetchall()
        return {str(row[0]): _duckdb_kind(str(row[1])) for row in described}

    def create_view(self, view: str, query: exp.Expr) -> None:
        self._run(f'CREATE OR REPLACE TEMP VIEW "{view}" AS {query.sql("duckdb")}')

    def materialize(self, table: str, query: exp.Expr) -> None:
        """Run ``query`` once into a temp table (counts and samples then read it)."""
        self._run(f'CREATE OR REPLACE TEMP TABLE "{table}" AS {query.sql("duckdb")}')

    def rows(self, query: exp.Expr) -> list[Row]:
        return [tuple(row) for row in self._run(query.sql("duckdb")).fetchall()]

    def _run(self, sql: str) -> Any:
        try:
            return self.connection.execute(sql)
        except self._duckdb.Error as error:
            raise EngineError(f"DuckDB: {error}",
                              hint="a column of the export may not hold what its name says"
                              ) from None

    def close(self) -> None:
        self.connection.close()


def _spark_kind(data_type: Any) -> ColumnKind:
    name = type(data_type).__name__
    table = {"StringType": ColumnKind.TEXT, "VarcharType": ColumnKind.TEXT,
             "CharType": ColumnKind.TEXT, "BooleanType": ColumnKind.BOOLEAN,
             "TimestampType": ColumnKind.TIMESTAMP, "TimestampNTZType": ColumnKind.TIMESTAMP,
             "DateType": ColumnKind.TIMESTAMP, "ArrayType": ColumnKind.LIST,
             "StructType": ColumnKind.STRUCT, "MapType": ColumnKind.STRUCT}
    numeric = {"ByteType", "ShortType", "IntegerType", "LongType", "FloatType", "DoubleType",
               "DecimalType"}
    return table.get(name, ColumnKind.NUMBER if name in numeric else ColumnKind.OTHER)


SPARK_CONF: Mapping[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "false",  # a failed cast is NULL (absent), as in DuckDB
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",  # stderr carries cioctl's messages, not bars
    "spark.sql.shuffle.partitions": "4",
}


def spark_session(master: str = "local[*]", app: str = "cioctl-estimate") -> Any:
    """A SparkSession with the settings the canonical views rely on."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError("--engine spark needs pyspark",
                          hint="pip install 'cioctl[spark]' (and a Java runtime)") from None
    builder = SparkSession.builder.master(master).appName(app)
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # the JVM failing to start surfaces as many types
        raise ConfigError(f"Spark did not start at {master}: {error}",
                          hint="check 'java -version' and --spark-master") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkRunner:
    """PySpark: local mode or a cluster (``--spark-master``); pass a session to reuse one."""

    name = "spark"
    flavour = Flavour("spark")

    def __init__(self, session: Any = None, *, master: str = "local[*]") -> None:
        self.session = session if session is not None else spark_session(master)
        for key, value in SPARK_CONF.items():
            if not key.startswith("spark.ui."):  # static: only at session start
                self.session.conf.set(key, value)

    def load(self, view: str, source: SourceFiles) -> Mapping[str, ColumnKind]:
        files = [str(f) for f in source.files]
        reader = self.session.read
        try:
            if source.format is FileFormat.CSV:
                frame = reader.csv(files, header=True, inferSchema=True)
            elif source.format is FileFormat.JSONL:
                frame = reader.json(files)
            else:
                frame = reader.parquet(*files)
        except Exception as error:
            raise ConfigError(f"{source.describe()}: Spark cannot read it: {error}",
                              hint="check the file is valid Parquet, CSV or JSON Lines") from None
        frame.createOrReplaceTempView(view)
        return {field.name: _spark_kind(field.dataType) for field in frame.schema.fields}

    def create_view(self, view: str, query: exp.Expr) -> None:
        self._sql(f"CREATE OR REPLACE TEMP VIEW `{view}` AS {query.sql('spark')}")

    def materialize(self, table: str, query: exp.Expr) -> None:
        """Run ``query`` once into a cached temp view (counts and samples then read it)."""
        frame = self._sql(query.sql("spark")).cache()
        frame.count()
        frame.createOrReplaceTempView(table)

    def rows(self, query: exp.Expr) -> list[Row]:
        return [tuple(row) for row in self._sql(query.sql("spark")).collect()]

    def _sql(self, sql: str) -> Any:
        try:
            return self.session.sql(sql)
        except Exception as error:
            raise EngineError(f"Spark: {str(error).splitlines()[0]}") from None

    def close(self) -> None:
        """The session may be shared (tests); stopping it is the owner's business."""


def prepare(runner: Runner, people: SourceFiles, events: SourceFiles, config: DataSources,
            attributes: Mapping[str, str], cache_root: Path | None = None) -> None:
    """Load both tables and create the canonical ``people`` and ``events`` views (JSON Lines
    through the Parquet cache under ``cache_root`` when given); ``attributes`` maps each
    attribute the query needs to its declared type."""
    if cache_root is not None:
        people, events = cached_parquet(people, cache_root), cached_parquet(events, cache_root)
    people_kinds = runner.load("raw_people", people)
    event_kinds = runner.load("raw_events", events)
    runner.create_view("people", people_view(people, people_kinds, config.people, attributes,
                                             runner.flavour, "raw_people"))
    runner.create_view("events", events_view(events, event_kinds, config.events,
                                             runner.flavour, "raw_events"))


def open_runner(engine: str, spark_master: str = "local[*]") -> Runner:
    """The named engine (``duckdb`` or ``spark``)."""
    if engine == "spark":
        return SparkRunner(master=spark_master)
    return DuckDBRunner()


__all__: Sequence[str] = ("DuckDBRunner", "EngineError", "Runner", "SparkRunner", "open_runner",
                          "prepare", "spark_session")
