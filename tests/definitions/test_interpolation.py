from __future__ import annotations

from pathlib import Path

import pytest

from cioctl.definitions.interpolate import Interpolator
from cioctl.definitions.located import EnvStr
from cioctl.definitions.yaml_loader import load_yaml
from cioctl.errors import DefinitionError, Location

AT = Location(Path("f.yaml"), 7, 3)
SECRET = "canary-secret-value-7781"


def interpolator() -> Interpolator:
    return Interpolator("staging", {"sender": "Acme <a@acme.test>"}, {"TOKEN": SECRET})


def test_variables_and_env_are_substituted() -> None:
    resolve = interpolator()
    assert resolve("From ${var.sender}!", AT) == "From Acme <a@acme.test>!"
    value = resolve("k=${env:TOKEN}", AT)
    assert value == f"k={SECRET}" and isinstance(value, EnvStr)


def test_liquid_and_escapes_are_left_alone() -> None:
    resolve = interpolator()
    assert resolve("{{ customer.x }} $${var.sender}", AT) == "{{ customer.x }} ${var.sender}"


def test_missing_variable_names_line_and_suggests() -> None:
    with pytest.raises(DefinitionError) as err:
        interpolator()("${var.sendr}", AT)
    assert err.value.location == AT
    assert "'sendr'" in err.value.message and "did you mean 'sender'" in (err.value.hint or "")


def test_missing_env_names_variable_not_value() -> None:
    with pytest.raises(DefinitionError) as err:
        interpolator()("${env:MISSING_ONE}", AT)
    assert "MISSING_ONE" in err.value.message and err.value.location == AT


def test_unknown_form_is_an_error() -> None:
    with pytest.raises(DefinitionError) as err:
        interpolator()("${foo}", AT)
    assert "not a cioctl interpolation" in err.value.message


def test_loader_reports_exact_position_of_interpolation_error() -> None:
    with pytest.raises(DefinitionError) as err:
        load_yaml(Path("x.yaml"), "a:\n  b: 'hi ${var.nope}'\n", interpolator())
    assert err.value.location is not None
    assert (err.value.location.line, err.value.location.col) == (2, 6)
