"""The generated repository's GitHub Actions workflows and pre-commit hooks.

Both workflows are parsed as YAML and checked for what keeps a bot's
credentials safe on GitHub: read-only permissions, actions pinned to a
commit, credentials only from repository secrets and only as environment
variables. actionlint, when installed, checks them as GitHub would.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import CREDENTIAL_NAMES, project_of, run

WORKFLOWS = ("ci.yml", "post.yml")
# owner/repo@<full commit hash>  # v1.2.3
PINNED_ACTION = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*$")


@pytest.fixture(scope="module")
def project(cookies_session) -> Path:
    return project_of(cookies_session.bake(extra_context={"bot_name": "Acme Bot"}))


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


def workflow(project: Path, name: str) -> dict[str, Any]:
    return load(project / ".github" / "workflows" / name)


def triggers(flow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean True.
    return flow.get("on") or flow[True]


def steps(flow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in flow["jobs"].values() for step in job["steps"]]


def uses_lines(project: Path, name: str) -> list[str]:
    """Each `uses:` value with its comment, as written."""
    text = (project / ".github" / "workflows" / name).read_text(encoding="utf-8")
    return re.findall(r"^\s*-?\s*uses:\s*(.+?)\s*$", text, re.MULTILINE)


@pytest.mark.parametrize("name", WORKFLOWS)
def test_workflow_may_only_read_the_repository(project: Path, name: str) -> None:
    flow = workflow(project, name)

    assert flow["permissions"] == {"contents": "read"}
    for job in flow["jobs"].values():
        assert "permissions" not in job


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_action_is_pinned_to_a_commit_with_its_version(
    project: Path, name: str
) -> None:
    uses = uses_lines(project, name)

    assert uses, f"{name} uses no action"
    for line in uses:
        assert PINNED_ACTION.match(line), f"{name}: not pinned: {line}"
    assert len(uses) == sum("uses" in step for step in steps(workflow(project, name)))


@pytest.mark.parametrize("name", WORKFLOWS)
def test_checkout_keeps_no_token_on_disk(project: Path, name: str) -> None:
    for step in steps(workflow(project, name)):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("name", WORKFLOWS)
def test_no_env_file_in_the_workflows(project: Path, name: str) -> None:
    for step in steps(workflow(project, name)):
        assert ".env" not in step.get("run", "")
        assert "env-file" not in step.get("run", "")


@pytest.mark.parametrize("name", WORKFLOWS)
def test_no_expression_is_pasted_into_a_script(project: Path, name: str) -> None:
    """`${{ inputs.text }}` inside `run:` would let a text run shell commands."""
    for step in steps(workflow(project, name)):
        assert "${{" not in step.get("run", "")


def test_ci_runs_tests_and_ruff_on_push_and_pull_request(project: Path) -> None:
    flow = workflow(project, "ci.yml")
    scripts = "\n".join(step.get("run", "") for step in steps(flow))

    assert {"push", "pull_request"} <= set(triggers(flow))
    assert "pytest" in scripts
    assert "ruff check" in scripts
    assert "ruff format --check" in scripts
    assert "secrets." not in (project / ".github/workflows/ci.yml").read_text()


def test_post_is_run_by_hand_with_a_text_and_a_dry_run_switch(project: Path) -> None:
    inputs = triggers(workflow(project, "post.yml"))["workflow_dispatch"]["inputs"]

    assert inputs["text"]["required"] is True
    assert inputs["dry_run"]["type"] == "boolean"
    assert inputs["dry_run"]["default"] is False


def test_post_has_a_schedule_ready_to_uncomment(project: Path) -> None:
    text = (project / ".github/workflows/post.yml").read_text(encoding="utf-8")

    assert "schedule" not in triggers(workflow(project, "post.yml"))
    assert re.search(r"^\s*# schedule:\n\s*#\s+- cron: ", text, re.MULTILINE)
    assert "late" in text  # says that scheduled runs may be delayed


def test_post_gets_the_credentials_from_secrets_as_variables(project: Path) -> None:
    (post_step,) = [
        step
        for step in steps(workflow(project, "post.yml"))
        if "post" in step.get("run", "")
    ]

    for name in CREDENTIAL_NAMES:
        assert post_step["env"][name] == f"${{{{ secrets.{name} }}}}"
    assert post_step["env"]["TEXT"] == "${{ inputs.text }}"
    assert 'acme-bot post --dry-run -- "$TEXT"' in post_step["run"]
    assert 'acme-bot post -- "$TEXT"' in post_step["run"]


def test_pre_commit_runs_guard_gitleaks_and_ruff(project: Path) -> None:
    config = load(project / ".pre-commit-config.yaml")
    hooks = {
        hook["id"]: {**hook, "repo": repo["repo"], "rev": repo.get("rev")}
        for repo in config["repos"]
        for hook in repo["hooks"]
    }

    guard = hooks["credentials-guard"]
    assert guard["repo"] == "local"
    assert guard["entry"] == "acme-bot guard"
    assert guard["pass_filenames"] is False
    assert hooks["gitleaks"]["repo"] == "https://github.com/gitleaks/gitleaks"
    # Pinned to a commit, its tag in a comment, as the workflows pin actions.
    assert re.fullmatch(r"[0-9a-f]{40}", hooks["gitleaks"]["rev"])
    text = (project / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    pin = rf"^\s*rev: {hooks['gitleaks']['rev']}\s+#\s*v\d+\.\d+\.\d+$"
    assert re.search(pin, text, re.MULTILINE)
    assert hooks["ruff"]["entry"].startswith("ruff check")
    assert hooks["ruff-format"]["entry"].startswith("ruff format")


def test_readme_says_how_to_turn_the_checks_and_secrets_on(project: Path) -> None:
    readme = (project / "README.md").read_text(encoding="utf-8")

    assert "pre-commit install" in readme
    assert "gh secret set -f .env" in readme
    assert "## If your credentials leak" in readme


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="needs actionlint")
def test_actionlint_finds_nothing(project: Path) -> None:
    result = run(
        [
            "actionlint",
            "-no-color",
            *(f".github/workflows/{name}" for name in WORKFLOWS),
        ],
        cwd=project,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
