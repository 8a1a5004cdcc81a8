"""``data:`` in ``workspace.yaml``: where `cioctl estimate` finds people and events, and which
columns hold what. Every field has a default, so a workspace without ``data:`` still works
with ``--people``/``--events`` and the default column names."""

from __future__ import annotations

from pydantic import Field

from cioctl.model.base import Spec

ColumnName = str


class PeopleSource(Spec):
    """The people table: one row per person."""

    path: str | None = Field(
        default=None, description="Parquet, CSV or JSON Lines: a file, a glob or a folder "
        "(relative to the workspace); --people overrides it")
    id: ColumnName = Field(default="id", description="The person's id")
    attributes: ColumnName = Field(
        default="attributes", description="A JSON object of attributes, used for attributes "
        "that have no column of their own")
    added_at: ColumnName = Field(
        default="cio_added_at", description="When the person was added to the workspace "
        "(the profile-age rule); optional — without it, data starts at the first event")
    columns: dict[str, ColumnName] = Field(
        default_factory=dict, description="Attribute name → column name, where they differ")


class EventsSource(Spec):
    """The events table: one row per event."""

    path: str | None = Field(
        default=None, description="Parquet, CSV or JSON Lines: a file, a glob or a folder "
        "(relative to the workspace); --events overrides it")
    person_id: ColumnName = "person_id"
    name: ColumnName = "name"
    timestamp: ColumnName = Field(
        default="timestamp", description="RFC 3339 text, Unix seconds or a timestamp column")
    data: ColumnName = Field(default="data", description="A JSON object or a struct")


class DataSources(Spec):
    """Where `cioctl estimate` reads the team's own people and events."""

    as_of: str | None = Field(
        default=None, description="The instant the data was exported (RFC 3339): the default "
        "of --as-of, so that windows count back from the export rather than from now")
    people: PeopleSource = Field(default_factory=PeopleSource)
    events: EventsSource = Field(default_factory=EventsSource)
