"""The post-gen hook, imported from its unrendered source and exercised directly."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from helpers import TEMPLATE_DIR, load_hook, run

HOOK = TEMPLATE_DIR / "hooks" / "post_gen_project.py"
ANSWERS = {"bot_slug": "acme-bot", "package_name": "acme_bot", "authorize_now": True}


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    return load_hook("post_gen_project")


def run_with_the_hook(code: str, **options: Any) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter, once it has loaded the hook as ``hook``."""
    load = (
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('hook', {str(HOOK)!r})\n"
        "hook = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(hook)\n"
    )
    return run(
        [sys.executable, "-c", load + code], cwd=TEMPLATE_DIR, timeout=60, **options
    )


def test_the_unrendered_hook_imports_only_the_standard_library() -> None:
    result = run_with_the_hook(
        "import sys\n"
        "third_party = {'tweepy', 'dotenv', 'requests', 'cookiecutter', 'jinja2'}\n"
        "print(sorted(third_party & set(sys.modules)))\n"
    )
    assert result.stdout == "[]\n", result.stderr


def test_authorize_now_off_is_a_reason_to_skip(
    hook: ModuleType, tmp_path: Path
) -> None:
    answers = dict(ANSWERS, authorize_now=False)
    assert hook.skip_reason(answers, tmp_path) == "authorize_now is off"


def test_cruft_regenerating_in_a_temp_folder_skips(
    hook: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hook, "stdin_at_end", lambda: False)
    answers = dict(ANSWERS, _commit="0123abcd")
    with tempfile.TemporaryDirectory() as folder:
        reason = hook.skip_reason(answers, Path(folder) / "acme-bot")
    assert reason is not None and "cruft" in reason


def test_cruft_create_in_a_real_folder_authorizes(
    hook: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hook, "stdin_at_end", lambda: False)
    answers = dict(ANSWERS, _commit="0123abcd")
    assert hook.skip_reason(answers, Path.home() / "acme-bot") is None


@pytest.mark.parametrize(
    ("stdin", "at_end"),
    [
        ("devnull", True),
        ("empty file", True),
        ("file with answers", False),
        ("pipe", False),
    ],
)
def test_stdin_at_end(tmp_path: Path, stdin: str, at_end: bool) -> None:
    code = "print(hook.stdin_at_end())\n"
    if stdin == "devnull":
        result = run_with_the_hook(code, stdin=subprocess.DEVNULL)
    elif stdin == "pipe":
        result = run_with_the_hook(code, input_text="1234567\n")
    else:
        answers = tmp_path / "answers.txt"
        answers.write_text("" if stdin == "empty file" else "1234567\n")
        with answers.open() as file:
            result = run_with_the_hook(code, stdin=file)
    assert result.stdout.strip() == str(at_end), result.stderr


def test_init_git_makes_a_repository_that_ignores_env(
    hook: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".gitignore").write_text(".env\n")
    hook.init_git(tmp_path)
    assert (tmp_path / ".git").is_dir()
    assert capsys.readouterr().out == ""


def test_init_git_warns_when_env_is_not_ignored(
    hook: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hook.init_git(tmp_path)
    assert "git does not ignore .env" in capsys.readouterr().out


def test_without_git_a_note_says_what_to_do(
    hook: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    hook.init_git(tmp_path)
    out = capsys.readouterr().out
    assert "git is not installed" in out and "git init" in out
    assert not (tmp_path / ".git").exists()


def test_auth_runs_from_this_interpreter_when_it_has_the_dependencies(
    hook: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hook, "has_requirements", lambda: True)
    command = hook.auth_command(tmp_path, "acme_bot", "acme")
    assert command == [sys.executable, "-m", "acme_bot", "auth", "--handle", "acme"]


def test_auth_gives_up_cleanly_when_the_venv_cannot_be_made(
    hook: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(hook, "has_requirements", lambda: False)
    monkeypatch.setattr(hook, "make_venv", lambda project: None)
    assert hook.authorize(tmp_path, "acme_bot", "") is False
    assert "Could not install the bot's dependencies" in capsys.readouterr().out


def test_unauthorized_main_says_how_to_finish_and_ends_with_next_steps(
    hook: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(hook, "stdin_at_end", lambda: False)
    monkeypatch.setattr(hook, "authorize", lambda *args: False)
    hook.main(dict(ANSWERS))
    out = capsys.readouterr().out
    assert "finish later with `acme-bot auth`" in out
    next_steps = out.split("Next steps:")[1]
    assert "acme-bot auth" in next_steps
    # The way into the project works from wherever cookiecutter was run.
    assert f"cd {tmp_path}\n" in next_steps
