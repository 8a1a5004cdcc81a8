"""Safety rules a plan must pass before it may be applied (octoDNS-style thresholds)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cioctl.errors import CioctlError
from cioctl.model.config import Environment
from cioctl.plan.change import Action
from cioctl.plan.value import Plan
from cioctl.state.resource import Resource


class UnsafePlanError(CioctlError):
    """The plan would destroy more than the environment allows."""


@dataclass(frozen=True)
class Overrides:
    """What a user explicitly allowed past the safety rules (``--allow-destroy``, ``--force``).

    The engine checks every plan before applying it (:func:`cioctl.engine.execute_plan`), so
    a caller that passes nothing gets the strict rules: safety is not the CLI's courtesy."""

    allow_destroy: bool = False
    force: bool = False


def protected_addresses(desired: Iterable[Resource]) -> frozenset[str]:
    """Addresses whose definitions say ``prevent_destroy``."""
    return frozenset(r.address for r in desired if r.prevent_destroy)


def check_plan(plan: Plan, env: Environment, desired: Iterable[Resource],
               overrides: Overrides = Overrides()) -> None:
    """:func:`check_safety` with the protected addresses taken from the definitions."""
    check_safety(plan, env, allow_destroy=overrides.allow_destroy, force=overrides.force,
                 protected_keys=protected_addresses(desired))


def check_safety(plan: Plan, env: Environment, *, allow_destroy: bool, force: bool,
                 protected_keys: frozenset[str] = frozenset()) -> None:
    """Refuse deletes in protected environments, mass deletes, and ``prevent_destroy``."""
    destructive = [c for c in plan.changes if c.action in (Action.DELETE, Action.REPLACE)]
    guarded = [c.address for c in destructive if c.address in protected_keys]
    if guarded:
        raise UnsafePlanError(
            f"the plan would delete or replace {', '.join(guarded)}, marked prevent_destroy",
            hint="remove 'prevent_destroy' from its lifecycle if you really mean it")
    deletes = [c for c in plan.changes if c.action is Action.DELETE]
    if deletes and env.protect and not allow_destroy:
        raise UnsafePlanError(
            f"environment '{plan.environment}' is protected and the plan deletes "
            f"{len(deletes)} resource(s): " + ", ".join(c.address for c in deletes[:5]),
            hint="review the deletes, then pass --allow-destroy")
    if deletes and plan.managed_count and not force:
        percent = 100 * len(deletes) / plan.managed_count
        if percent > env.max_destroy_percent:
            raise UnsafePlanError(
                f"the plan deletes {len(deletes)} of {plan.managed_count} managed resources "
                f"({percent:.0f}%), more than max_destroy_percent ({env.max_destroy_percent}%)",
                hint="check that no definitions file is missing; pass --force if intended")
