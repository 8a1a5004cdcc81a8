"""``${var.NAME}`` and ``${env:NAME}`` interpolation, resolved at load time per environment.

``{{ ... }}`` is Customer.io Liquid and is never touched here. ``$${`` writes a literal ``${``.
A value taken from the process environment is returned as :class:`EnvStr` so that no later
error message echoes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from difflib import get_close_matches

from cioctl.definitions.located import EnvStr
from cioctl.errors import DefinitionError, Location

_PATTERN = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_VAR = re.compile(rf"var\.({_NAME})")
_ENV = re.compile(rf"env:({_NAME})")


class Interpolator:
    """Resolves ``${...}`` in string scalars for one environment."""

    def __init__(
        self, environment: str, variables: Mapping[str, str], environ: Mapping[str, str],
        *, collect: bool = False,
    ) -> None:
        self.environment = environment
        self.variables = variables
        self.environ = environ
        self.secrets: dict[str, str] = {}
        """Every value taken from the environment → the variable it came from."""
        self.collect = collect
        self.problems: list[DefinitionError] = []
        """With ``collect``, every unresolved ``${...}`` (its text is then left as written)."""

    def __call__(self, text: str, loc: Location) -> str:
        if "${" not in text:
            return text
        from_env = False

        def substitute(match: re.Match[str]) -> str:
            nonlocal from_env
            if match.group(0) == "$${":
                return "${"
            try:
                value, is_env = self.resolve(match.group(1).strip(), loc)
            except DefinitionError as problem:
                if not self.collect:
                    raise
                self.problems.append(problem)
                return match.group(0)
            from_env = from_env or is_env
            return value

        result = _PATTERN.sub(substitute, text)
        return EnvStr(result) if from_env else result

    def resolve(self, expression: str, loc: Location) -> tuple[str, bool]:
        """The value of one ``${expression}`` and whether it came from the environment."""
        if var := _VAR.fullmatch(expression):
            return self.variable(var.group(1), loc), False
        if env := _ENV.fullmatch(expression):
            return self.env_value(env.group(1), loc), True
        raise DefinitionError(
            f"'${{{expression}}}' is not a cioctl interpolation",
            location=loc,
            hint="use ${var.NAME} or ${env:NAME}; write $${ for a literal '${'",
        )

    def variable(self, name: str, loc: Location) -> str:
        if name in self.variables:
            return str(self.variables[name])
        close = get_close_matches(name, list(self.variables), n=1)
        did_you_mean = f"did you mean '{close[0]}'? " if close else ""
        raise DefinitionError(
            f"variable '{name}' is not defined for environment '{self.environment}'",
            location=loc,
            hint=f"{did_you_mean}add it under environments.{self.environment}.variables "
            "(or the top-level variables) in workspace.yaml",
        )

    def env_value(self, name: str, loc: Location) -> str:
        if name in self.environ:
            self.secrets[self.environ[name]] = name
            return self.environ[name]
        raise DefinitionError(
            f"environment variable {name} is not set (needed by environment "
            f"'{self.environment}')",
            location=loc,
            hint=f"export {name}=... before running cioctl, or map it from a CI secret",
        )
