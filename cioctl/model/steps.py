"""Flow steps, each a one-key mapping: ``{wait: 5m}``, ``{email: {...}}``, ``{branch: ...}``."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import Discriminator, Field, Tag, model_validator

from cioctl.model.base import Duration, Spec, Window
from cioctl.model.conditions import Condition
from cioctl.model.messages import Email, InApp, Message, Push, Sms, Webhook
from cioctl.model.types import unsendable_number


class WaitStep(Spec):
    """Pause for a fixed time."""

    wait: Duration


class WaitUntil(Spec):
    """Hold people until a condition holds, or at most ``max``."""

    condition: Condition
    max: Window | None = None


class WaitUntilStep(Spec):
    """Pause until a condition holds."""

    wait_until: WaitUntil


class EmailStep(Spec):
    """Send an email."""

    email: Email


class SmsStep(Spec):
    """Send a text message."""

    sms: Sms


class PushStep(Spec):
    """Send a push notification."""

    push: Push


class InAppStep(Spec):
    """Show an in-app message."""

    in_app: InApp


class WebhookStep(Spec):
    """Send an HTTP request."""

    webhook: Webhook


class Branch(Spec):
    """A true/false split on a condition."""

    if_: Condition = Field(alias="if")
    then: list[Step] = Field(default_factory=list)
    else_: list[Step] = Field(default_factory=list, alias="else")


class BranchStep(Spec):
    """Send people down one of two paths."""

    branch: Branch


class AttributeUpdate(Spec):
    """Set a person attribute."""

    name: str
    value: Any

    @model_validator(mode="after")
    def _sendable(self) -> Self:
        if (problem := unsendable_number(self.value)) is not None:
            raise ValueError(f"value: {problem}")
        return self


class UpdateAttributeStep(Spec):
    """Set a person attribute."""

    update_attribute: AttributeUpdate


class ExitStep(Spec):
    """Leave the flow here."""

    exit: Literal[True] = Field(description="Always true")


_STEP_CLASSES: dict[str, type[Spec]] = {
    "wait": WaitStep,
    "wait_until": WaitUntilStep,
    "email": EmailStep,
    "sms": SmsStep,
    "push": PushStep,
    "in_app": InAppStep,
    "webhook": WebhookStep,
    "branch": BranchStep,
    "update_attribute": UpdateAttributeStep,
    "exit": ExitStep,
}
STEP_KINDS = tuple(_STEP_CLASSES)


def step_tag(data: Any) -> str | None:
    """Which kind of step a mapping is: its single key."""
    if isinstance(data, dict):
        return next((key for key in data if key in _STEP_CLASSES), None)
    return next((tag for tag, cls in _STEP_CLASSES.items() if isinstance(data, cls)), None)


Step = Annotated[
    Annotated[WaitStep, Tag("wait")]
    | Annotated[WaitUntilStep, Tag("wait_until")]
    | Annotated[EmailStep, Tag("email")]
    | Annotated[SmsStep, Tag("sms")]
    | Annotated[PushStep, Tag("push")]
    | Annotated[InAppStep, Tag("in_app")]
    | Annotated[WebhookStep, Tag("webhook")]
    | Annotated[BranchStep, Tag("branch")]
    | Annotated[UpdateAttributeStep, Tag("update_attribute")]
    | Annotated[ExitStep, Tag("exit")],
    Discriminator(
        step_tag,
        custom_error_type="step_kind",
        custom_error_message="a step needs one of the keys " + ", ".join(STEP_KINDS),
    ),
]

Branch.model_rebuild()


def message_of(step: Step) -> Message | None:
    """The message a step sends, if it is a message step."""
    for attribute in ("email", "sms", "push", "in_app", "webhook"):
        message = getattr(step, attribute, None)
        if isinstance(message, Message):
            return message
    return None


def walk_steps(steps: list[Step]) -> list[Step]:
    """Every step, depth first, including those inside branches."""
    found: list[Step] = []
    for step in steps:
        found.append(step)
        if isinstance(step, BranchStep):
            found.extend(walk_steps(step.branch.then))
            found.extend(walk_steps(step.branch.else_))
    return found
