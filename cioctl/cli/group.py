"""The root command group: usage errors exit 1, Ctrl-C is reported, help shows types as words.

Exit code 2 means "changes present" (``plan --detailed-exitcode``, ``drift``, ``diff``), so a
usage error (unknown option, missing argument, bad choice, no such command) must not exit 2 as
click does: a typo such as ``apply --auto-aprove`` in CI would read as a green "changes"
step that applied nothing. Every usage error raised anywhere below the root passes through
:meth:`CioctlGroup.invoke` or :meth:`CioctlGroup.make_context`, which make it exit 1.
"""

from __future__ import annotations

from typing import Any

from typer._click.core import Context, Parameter
from typer._click.exceptions import UsageError  # typer vendors click; this is its UsageError
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from cioctl.errors import OperationInterruptedError

EXIT_USAGE = 1


def _word(param: TyperOption | TyperArgument) -> str:
    """A parameter's type as a word, like click's TEXT / PATH / INTEGER, or its choices."""
    described = param.type_descriptor
    if described.choices is not None:
        return "|".join(str(getattr(c, "value", c)) for c in described.choices)
    if described.is_path:
        return "PATH"
    annotation = described.annotation
    if described.is_list:
        annotation = getattr(annotation, "__args__", (str,))[0]
    return {int: "INTEGER", float: "NUMBER", bool: "BOOLEAN"}.get(annotation, "TEXT")


class WordyOption(TyperOption):
    """An option whose help shows ``PATH`` rather than ``<path>``, and nothing for a flag."""

    def display_type_rich(self, ctx: Context) -> str | None:
        if self.is_flag or self.count:
            return None
        return self.metavar if self.metavar is not None else _word(self)


class WordyArgument(TyperArgument):
    """An argument whose help shows its type as a word (none when it has a metavar)."""

    def display_type_rich(self, ctx: Context) -> str | None:
        return None if self.metavar is not None else _word(self)


def _wordy(params: list[Parameter]) -> None:
    """Typer builds its own parameter classes and offers no hook to replace them; the
    subclasses only change how help displays a type, so swapping the class is safe."""
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = WordyOption
        elif type(param) is TyperArgument:
            param.__class__ = WordyArgument


def _wordy_help(option: TyperOption | None) -> TyperOption | None:
    """The ``-h/--help`` flag is made lazily, after ``__init__``."""
    if option is not None:
        _wordy([option])
    return option


class CioctlCommand(TyperCommand):
    """Every ``cioctl`` command (``app.command(cls=CioctlCommand)``)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _wordy(self.params)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _wordy_help(super().get_help_option(ctx))


class CioctlGroup(TyperGroup):
    """The ``cioctl`` group and its subgroups (``typer.Typer(cls=CioctlGroup)``)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _wordy(self.params)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _wordy_help(super().get_help_option(ctx))

    def make_context(self, info_name: str | None, args: list[str],
                     parent: Context | None = None, **extra: Any) -> Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as error:
            error.exit_code = EXIT_USAGE
            raise

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:  # a subcommand's own parsing, or "no such command"
            error.exit_code = EXIT_USAGE
            raise
        except KeyboardInterrupt:
            # typer would exit 130 silently; commands that know what was interrupted say
            # so themselves (plan, apply), this covers the rest.
            raise OperationInterruptedError("interrupted") from None
