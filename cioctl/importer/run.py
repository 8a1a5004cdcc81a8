"""``cioctl import``: read an environment in full and write its definitions."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cioctl.api.endpoints import Surface as ApiSurface
from cioctl.api.http import ApiClient
from cioctl.definitions.discover import WORKSPACE_FILE, find_root
from cioctl.definitions.load import load_config, select_environment
from cioctl.environments import credential_status, open_client
from cioctl.errors import CioctlError, ConfigError
from cioctl.importer.build import Imported, import_live
from cioctl.importer.secrets import Templates, templates_of, use_placeholders
from cioctl.importer.state import check_state_overwrite, copy_embedded_state
from cioctl.importer.write import check_overwrite, workspace_yaml, write_documents
from cioctl.kinds.address import Address
from cioctl.kinds.registry import KINDS, Kind, Surface
from cioctl.state.live import LiveState, read_live

Progress = Callable[[str], None]


class EveryAddress:
    """A ``wanted`` set that holds every address, so :func:`read_live` reads every flow's
    message content and every collection's data, managed or not."""

    def __contains__(self, _address: object) -> bool:
        return True

    def __iter__(self) -> Iterator[Address]:
        return iter(())

    def __len__(self) -> int:
        return 0


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote and what it could not do exactly."""

    files: tuple[Path, ...]
    counts: dict[str, int]
    not_imported: dict[str, str]
    warnings: tuple[str, ...]
    wrote_workspace_yaml: bool
    notes: tuple[str, ...] = ()
    target: Path = Path()


async def read_everything(client: ApiClient, progress: Progress | None = None) -> LiveState:
    """Every readable resource, with the content of unmanaged flows and collections too."""
    return await read_live(client, EveryAddress(), progress)


def unreadable_reasons(client: ApiClient, env_name: str,
                       variables: Mapping[ApiSurface, str | None]) -> Callable[[Kind], str]:
    """Why a kind could not be read: the credential it needs, and where it comes from."""
    names = {Surface.APP: ApiSurface.APP, Surface.JOURNEYS: ApiSurface.JOURNEYS}

    def reason(kind: Kind) -> str:
        surface = KINDS[kind].read_surface
        if kind is Kind.FLOW and client.has_credential(ApiSurface.JOURNEYS):
            surface = Surface.APP  # message content is read through the App API
        credential = "app_api_key" if surface is Surface.APP else "service_account"
        variable = variables.get(names[surface])
        source = f" (set {variable})" if variable else ""
        need = "reading flows' message content" if kind is Kind.FLOW and \
            surface is Surface.APP else f"reading {KINDS[kind].plural}"
        return (f"the environment '{env_name}' has no {credential} credential{source}, "
                f"which {need} needs")

    return reason


async def import_environment(client: ApiClient, env_name: str,
                             variables: Mapping[ApiSurface, str | None],
                             progress: Progress | None = None) -> Imported:
    """Read the environment through ``client`` and build its definitions."""
    live = await read_everything(client, progress)
    return import_live(live, unreadable_reasons(client, env_name, variables))


def default_out(env_name: str) -> Path:
    """Where an import goes without ``-o``: a new folder in the current directory."""
    return Path(f"imported-{env_name}")


def import_workspace(workspace: Path, env_name: str, out_dir: Path | None,
                     environ: Mapping[str, str], *, force: bool = False,
                     progress: Progress | None = None) -> ImportReport:
    """Import environment ``env_name`` of the workspace at ``workspace`` into ``out_dir``
    (default ``./imported-ENV``), a folder apart from the workspace it reads."""
    import anyio

    root = find_root(workspace)
    config = load_config(root)
    environment = select_environment(config, env_name)
    target = out_dir or default_out(env_name)
    check_target(root, target, env_name)
    check_overwrite(target, force)
    carry = environment.backend == "embedded"
    if carry:
        check_state_overwrite(target, force)
    status = credential_status(config, env_name, environ)
    variables = {surface: s.env_var for surface, s in status.items()}

    async def run() -> Imported:
        async with open_client(root, config, env_name, environ) as client:
            return await import_environment(client, env_name, variables, progress)

    imported = anyio.run(run)
    exports = use_placeholders(imported, source_templates(root, env_name, environ))
    target.mkdir(parents=True, exist_ok=True)
    wrote_config = not (target / WORKSPACE_FILE).exists()
    if wrote_config:
        text = (root / WORKSPACE_FILE).read_text(encoding="utf-8")
        (target / WORKSPACE_FILE).write_text(workspace_yaml(text, env_name), encoding="utf-8")
    source = f"environment '{env_name}' of workspace '{config.workspace}'"
    files = write_documents(imported, target, source)
    notes = _duplicates(target) + tuple(
        f"live credential written as a placeholder, {line}" for line in exports)
    if carry and copy_embedded_state(root, target):
        notes += (f"carried the embedded workspace's state ({root / '.cioctl'}/embedded.sqlite3)"
                  f" into {target / '.cioctl'}, so plan -e {env_name} there starts from the "
                  "same live state",)
    return ImportReport(
        files=tuple(files),
        counts={KINDS[k].plural: d.imported for k, d in imported.documents.items()},
        not_imported={KINDS[k].plural: d.unreadable for k, d in imported.documents.items()
                      if d.unreadable is not None},
        warnings=tuple(imported.warnings), wrote_workspace_yaml=wrote_config,
        notes=notes, target=target,
    )


def source_templates(root: Path, env_name: str, environ: Mapping[str, str]) -> Templates:
    """The fields the workspace's own definitions fill from ``${env:…}`` (best effort: a
    workspace that does not load gives none, and import falls back on what looks secret)."""
    from cioctl.definitions.load import load_sources
    from cioctl.model.build import build_workspace
    from cioctl.state.desired import desired_resources

    try:
        workspace, _ = build_workspace(load_sources(root, env_name, environ))
        desired = desired_resources(workspace)
    except CioctlError:
        return Templates()
    return templates_of({a: r.fields for a, r in desired.items()}, workspace.env_values)


def check_target(root: Path, target: Path, env_name: str) -> None:
    """Never write into the workspace being read (nor around it): every imported resource
    would be defined twice, and the workspace would stop validating."""
    here, there = root.resolve(), target.resolve()
    if there == here or there.is_relative_to(here) or here.is_relative_to(there):
        where = "is" if there == here else ("is inside" if there.is_relative_to(here)
                                            else "contains")
        raise ConfigError(
            f"cannot import into {target}: it {where} the workspace folder {root} that the "
            "import reads (its definitions would be defined twice)",
            hint=f"import into a new folder outside it, e.g. -o "
            f"{here.parent / f'imported-{env_name}'}")


def _duplicates(target: Path) -> tuple[str, ...]:
    from cioctl.definitions.discover import definition_files
    from cioctl.importer.write import IMPORTED_DIR

    others = [p for p in definition_files(target)
              if p.relative_to(target).parts[0] != IMPORTED_DIR]
    if not others:
        return ()
    return (f"{target} already has {len(others)} other definitions file(s); resources defined "
            "there and imported again are defined twice — keep one of each",)
