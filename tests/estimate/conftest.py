"""One SparkSession for the whole test session (local[2], no UI, few shuffle partitions):
starting a JVM costs seconds, so every Spark test shares it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (.ci/run installs openjdk-17-jre-headless)")
    pytest.importorskip("pyspark")
    from cioctl.sql.engines import spark_session

    session = spark_session("local[2]", app="cioctl-tests")
    session.conf.set("spark.sql.shuffle.partitions", "2")
    # tiny data, wide queries: compiling generated code costs more than it saves here
    session.conf.set("spark.sql.codegen.wholeStage", "false")
    session.conf.set("spark.sql.codegen.factoryMode", "NO_CODEGEN")
    yield session
    session.stop()
