"""The generated repository's GitHub Actions workflows and pre-commit hooks.

Both workflows are parsed as YAML and checked for what keeps a bot's
credentials safe on GitHub: read-only permissions by default, actions pinned to a
commit, credentials only from repository secrets, only as environment
variables and only in the step that needs them; the Post workflow alone may
write, to commit the bot's memory back. actionlint, when installed, checks
them as GitHub would.
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
def test_workflow_may_only_read_the_repository_by_default(
    project: Path, name: str
) -> None:
    assert workflow(project, name)["permissions"] == {"contents": "read"}


def test_only_the_post_job_may_write_and_ci_may_not(project: Path) -> None:
    ci_jobs = workflow(project, "ci.yml")["jobs"].values()
    post_jobs = workflow(project, "post.yml")["jobs"]

    assert all("permissions" not in job for job in ci_jobs)
    assert list(post_jobs) == ["post"]
    assert post_jobs["post"]["permissions"] == {"contents": "write"}


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


def post_steps(flow: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The step that runs the bot and the step that commits posted.jsonl."""
    (run_step,) = [s for s in steps(flow) if "acme-bot run" in s.get("run", "")]
    (commit_step,) = [s for s in steps(flow) if "git push" in s.get("run", "")]
    return run_step, commit_step


def test_post_runs_hourly_and_by_hand_with_a_dry_run_switch(project: Path) -> None:
    flow = workflow(project, "post.yml")
    on = triggers(flow)
    run_step, _ = post_steps(flow)

    ((schedule,),) = [on["schedule"]]
    assert re.fullmatch(r"[0-5]?\d \* \* \* \*", schedule["cron"])
    inputs = on["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"dry_run"}
    assert inputs["dry_run"]["type"] == "boolean"
    assert inputs["dry_run"]["default"] is False
    assert run_step["env"]["DRY_RUN"] == "${{ inputs.dry_run }}"
    assert 'if [ "$DRY_RUN" = "true" ]; then' in run_step["run"]
    assert "acme-bot run --dry-run\n" in run_step["run"]
    assert re.search(r"^\s*acme-bot run$", run_step["run"], re.MULTILINE)


def test_post_runs_one_at_a_time_without_cancelling(project: Path) -> None:
    concurrency = workflow(project, "post.yml")["concurrency"]

    assert concurrency["group"]
    assert concurrency["cancel-in-progress"] is False


def test_only_the_run_step_gets_the_credentials(project: Path) -> None:
    flow = workflow(project, "post.yml")
    run_step, _ = post_steps(flow)

    for name in CREDENTIAL_NAMES:
        assert run_step["env"][name] == f"${{{{ secrets.{name} }}}}"
    assert "env" not in flow
    assert all("env" not in job for job in flow["jobs"].values())
    others = [step for step in steps(flow) if step is not run_step]
    assert "secrets." not in yaml.safe_dump(others)
    assert "github.token" not in yaml.safe_dump(run_step)


def test_post_commits_posted_jsonl_back_with_the_workflow_token(
    project: Path,
) -> None:
    flow = workflow(project, "post.yml")
    _, commit_step = post_steps(flow)
    script = commit_step["run"]

    assert steps(flow)[-1] is commit_step
    # After a failed or timed-out run too, but never after a dry run.
    assert commit_step["if"] == "always() && inputs.dry_run != true"
    assert commit_step["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}
    assert "git add posted.jsonl\n" in script
    assert "git diff --cached --quiet" in script  # nothing new: no empty commit
    assert re.search(r'^git push "\$remote" "HEAD:\$GITHUB_REF_NAME"$', script, re.M)
    assert "${GITHUB_TOKEN}@github.com/${GITHUB_REPOSITORY}.git" in script
    # The only step holding the token, which checkout did not keep on disk.
    text = (project / ".github/workflows/post.yml").read_text(encoding="utf-8")
    assert text.count("github.token") == 1


def test_generated_gitignore_ignores_the_posting_lock(project: Path) -> None:
    lines = (project / ".gitignore").read_text(encoding="utf-8").splitlines()

    assert ".posting.lock" in lines


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
