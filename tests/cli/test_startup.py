"""Starting the CLI: light imports, and a Ctrl-C while it is still loading exits cleanly."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from cioctl.cli.boundary import EXIT_INTERRUPTED
from cioctl.entry import EXIT_INTERRUPTED as ENTRY_EXIT_INTERRUPTED


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, check=False)


def test_loading_the_cli_does_not_import_jsonschema() -> None:
    # jsonschema's format checkers (rfc3987-syntax builds a grammar at import) cost seconds on
    # every start; only the vendor-contract check needs jsonschema, and it imports it itself.
    done = _python("""
        import sys
        import cioctl.cli, cioctl.engine, cioctl.contract.mode
        print("jsonschema" in sys.modules)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_contract_package_still_offers_its_names() -> None:
    import cioctl.contract as contract

    assert contract.Contract.__name__ == "Contract"
    assert contract.JOURNEYS_URL.startswith("https://")


def test_ctrl_c_while_the_cli_loads_exits_130_without_a_traceback() -> None:
    # A Ctrl-C that lands while Python imports the CLI, made deterministic by an import hook
    # that raises KeyboardInterrupt exactly there.
    done = _python("""
        import sys

        class CtrlCDuringImport:
            def find_spec(self, name, path=None, target=None):
                if name == "cioctl.cli":
                    raise KeyboardInterrupt
                return None

        sys.meta_path.insert(0, CtrlCDuringImport())
        sys.argv = ["cioctl", "--version"]
        from cioctl.entry import main
        main()
    """)
    assert done.returncode == EXIT_INTERRUPTED
    assert done.stderr == "interrupted\n"


def test_the_entry_point_and_the_boundary_agree_on_the_interrupt_code() -> None:
    assert ENTRY_EXIT_INTERRUPTED == EXIT_INTERRUPTED
