"""A generated people/events dataset (Parquet) for the example workspace and the bench.

Deterministic for a seed; DuckDB writes the files (no other dependency). The example ships
the default size (``python -m cioctl.estimate.dataset workspaces/example/estimate-data``); the
bench asks for 500 k people and 10 M events."""

from __future__ import annotations

import sys
from pathlib import Path

AS_OF = "2026-06-01 00:00:00"
EVENTS = ("signed_up", "logged_in", "feature_used", "invited_teammate", "payment_failed",
          "project_created")


# Each event's data as its declaration in workspaces/example/data/events.yaml says (required
# properties present, enums respected), so `cioctl events check --table` passes on the
# shipped files.
_DATA = """CASE event_name
    WHEN 'signed_up' THEN to_json({'method': ['google', 'email', 'github'][1 + h(j, 14) % 3],
                                   'plan': ['free', 'pro', 'enterprise'][1 + h(j, 15) % 3]})
    WHEN 'logged_in' THEN to_json({'device': ['web', 'ios', 'android'][1 + h(j, 14) % 3]})
    WHEN 'feature_used' THEN to_json({
        'feature': ['export', 'timeline', 'reports'][1 + h(j, 14) % 3],
        'duration_seconds': (h(j, 15) % 600)::INTEGER})
    WHEN 'invited_teammate' THEN to_json({'role': ['admin', 'member', 'guest'][1 + h(j, 15) % 3]})
    WHEN 'payment_failed' THEN to_json({'amount': (10 + h(j, 14) % 90)::INTEGER,
                                        'attempt': (1 + h(j, 15) % 3)::INTEGER})
    ELSE to_json({'template': ['blank', 'kanban', 'roadmap'][1 + h(j, 14) % 3],
                  'collaborators': (h(j, 15) % 8)::INTEGER})
    END::VARCHAR"""


def generate(folder: Path, people: int = 2000, events: int = 60000, seed: int = 13) -> None:
    """``folder/people.parquet`` and ``folder/events.parquet`` (90 days before AS_OF)."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as connection:
        connection.execute("SET TimeZone = 'UTC'")
        # A signed hash of (row, column, seed): deterministic, and usable as a list index.
        connection.execute(f"CREATE MACRO h(a, b) AS (hash(a, b, {seed}) % 1000003)::BIGINT")
        connection.execute(f"""
            COPY (SELECT 'u' || lpad(i::VARCHAR, 7, '0') AS id,
                TIMESTAMP '{AS_OF}' - INTERVAL (1 + (h(i, 1) % 200)) DAY AS cio_added_at,
                ['free', 'pro', 'enterprise', 'cancelled'][1 + h(i, 2) % 4] AS plan,
                (h(i, 3) % 11)::INTEGER AS nps_score,
                (h(i, 4) % 40)::INTEGER AS projects_count,
                round((h(i, 5) % 1000) / 1000.0, 3) AS churn_risk_score,
                h(i, 6) % 3 <> 0 AS email_verified,
                ['DE', 'FR', 'US', 'GB', 'ES', 'IT'][1 + h(i, 7) % 6] AS country,
                CASE WHEN h(i, 8) % 5 = 0 THEN TIMESTAMP '{AS_OF}' + INTERVAL 7 DAY END
                    AS trial_ends_at
              FROM range({people}) t(i) ORDER BY id)
            TO '{folder / "people.parquet"}' (FORMAT parquet)""")
        names = "[" + ", ".join(f"'{n}'" for n in EVENTS) + "]"
        connection.execute(f"""
            COPY (SELECT 'u' || lpad(floor({people} * pow((h(j, 11) % 10000) / 10000.0, 2))
                                    ::BIGINT::VARCHAR, 7, '0') AS person_id,
                event_name AS name,
                TIMESTAMP '{AS_OF}' - INTERVAL (h(j, 13) * 7 % (90 * 86400)) SECOND AS timestamp,
                {_DATA} AS data
              FROM (SELECT j, {names}[[2, 2, 2, 2, 2, 3, 3, 4, 1, 5, 6, 6][1 + h(j, 12) % 12]]
                           AS event_name FROM range({events}) t(j)) e
              ORDER BY person_id, timestamp)
            TO '{folder / "events.parquet"}' (FORMAT parquet)""")


if __name__ == "__main__":  # pragma: no cover - the script that made the shipped files
    arguments = sys.argv[1:]
    folder = Path(arguments[0] if arguments else "workspaces/example/estimate-data")
    sizes = [int(a) for a in arguments[1:3]]
    generate(folder, *sizes)
