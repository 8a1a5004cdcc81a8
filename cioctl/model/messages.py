"""Message steps of a flow: email, SMS, push, in-app and webhook actions."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from cioctl.errors import Location
from cioctl.model.base import Key, Spec, workspace_file

MAX_BODY_CHARS = 1024 * 1024


class Message(Spec):
    """Fields every message step has. ``id`` is the step's stable identity inside its flow."""

    unsupported_keys = {
        "name": "a message's name is read-only in Customer.io's App API, so cioctl cannot "
        "write it; the step's 'id' names it there (use a YAML comment for a longer label)",
    }
    id: Key
    sending: Literal["automatic", "draft", "off"] = Field(
        default="automatic", description="The action's sending_state"
    )


class _WithBody(Message):
    body: str | None = None
    body_file: str | None = Field(
        default=None, description="Path of a template file, relative to this definitions file"
    )
    _body_source: Location | None = None

    @field_validator("body_file")
    @classmethod
    def _inside_workspace(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:  # checked here so that an error points at the body_file line
            workspace_file(info.context, value)
        return value

    @model_validator(mode="after")
    def _read_body_file(self, info: ValidationInfo) -> Self:
        if self.body is not None and self.body_file is not None:
            raise ValueError("give either 'body' or 'body_file', not both")
        if self.body_file is None:
            return self
        path = workspace_file(info.context if info else None, self.body_file)
        self.__dict__["body"] = _read_template(path)
        self._body_source = Location(path)
        return self

    @property
    def body_source(self) -> Location | None:
        """Where the body text starts: the template file, or the ``body`` key."""
        return self._body_source or self.value_source("body")


def _read_template(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_BODY_CHARS:
            raise ValueError(f"template {path} is larger than {MAX_BODY_CHARS:,} bytes")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"template file not found: {path}") from None
    except UnicodeDecodeError:
        raise ValueError(f"template file is not UTF-8: {path}") from None
    except OSError as exc:
        raise ValueError(f"cannot read template file {path}: {exc.strerror}") from None


class Email(_WithBody):
    """An email action."""

    from_: str | None = Field(default=None, alias="from", description="Sender, 'Name <addr>'")
    reply_to: str | None = None
    to: str | None = Field(default=None, description="Recipient; defaults to the person's email")
    subject: str = Field(min_length=1, max_length=998)
    preheader: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _needs_body(self) -> Self:
        if self.body is None:
            raise ValueError("an email needs 'body' or 'body_file'")
        return self


class Sms(_WithBody):
    """A text message (Twilio) action."""

    image_url: str | None = None

    @model_validator(mode="after")
    def _needs_body(self) -> Self:
        if self.body is None:
            raise ValueError("an sms needs 'body' or 'body_file'")
        return self


class Push(_WithBody):
    """A push notification action."""

    title: str | None = None
    link: str | None = None


class InApp(_WithBody):
    """An in-app message action."""


class Webhook(_WithBody):
    """An HTTP request sent from the flow."""

    method: Literal["get", "post", "put", "patch", "delete"] = "post"
    url: str = Field(pattern=r"^(https?://|\{\{).+")
    headers: dict[str, str] = Field(default_factory=dict)


MessageKind = Literal["email", "sms", "push", "in_app", "webhook"]
