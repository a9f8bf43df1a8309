"""The post-gen hook, imported from its unrendered source and exercised directly."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import venv
from collections.abc import Iterator
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


def test_authorize_now_off_is_a_reason_to_skip(hook: ModuleType) -> None:
    answers = dict(ANSWERS, authorize_now=False)
    assert hook.skip_reason(answers, Path.cwd()) == "authorize_now is off"


@pytest.fixture
def mkdtemp_folder() -> Iterator[Path]:
    """A folder like the one cruft diff and cruft update render into."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder).resolve()


@pytest.mark.parametrize(
    ("folder", "answers", "regenerating"),
    [
        ("mkdtemp", {"_commit": "0123abcd"}, True),  # cruft diff, cruft update
        ("mkdtemp", {}, False),  # cookiecutter -o "$(python -c ...mkdtemp())"
        ("under temp", {"_commit": "0123abcd"}, False),  # cruft create -o /tmp/bots
        ("pytest tmp_path", {"_commit": "0123abcd"}, False),
        ("home", {"_commit": "0123abcd"}, False),  # cruft create, the usual way
    ],
)
def test_only_cruft_rendering_a_copy_to_compare_counts_as_regenerating(
    hook: ModuleType,
    mkdtemp_folder: Path,
    tmp_path: Path,
    folder: str,
    answers: dict[str, str],
    regenerating: bool,
) -> None:
    parents = {
        "mkdtemp": mkdtemp_folder,
        "under temp": Path(tempfile.gettempdir()).resolve() / "bots",
        "pytest tmp_path": tmp_path,
        "home": Path.home(),
    }
    project = parents[folder] / "acme-bot"
    assert hook.cruft_regenerating(dict(ANSWERS, **answers), project) is regenerating


def test_cruft_regenerating_does_nothing_and_says_nothing(
    hook: ModuleType,
    mkdtemp_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    project = mkdtemp_folder / "acme-bot"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.setattr(hook, "stdin_at_end", lambda: False)
    hook.main(dict(ANSWERS, _commit="0123abcd"))
    assert capfd.readouterr() == ("", "")
    assert list(project.iterdir()) == []  # no .git to show up in cruft's diff


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


def fake_bot(project: Path, error_line: str = "") -> Path:
    """A bot package in ``project/src`` whose ``python -m acme_bot`` prints the
    arguments it got, then ``error_line`` on stderr; it fails when given one."""
    package = project / "src" / "acme_bot"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(
        "import json, sys\n"
        "print(json.dumps(sys.argv[1:]))\n"
        f"if {error_line!r}:\n"
        f"    sys.exit(print({error_line!r}, file=sys.stderr) or 1)\n"
    )
    return project


@pytest.mark.parametrize("folder", ["plain", "with:colon", "with space"])
@pytest.mark.parametrize("handle", ["acme_bot", "@acme_bot", "--new-app-keys", "-h"])
def test_auth_gets_the_handle_as_one_argument_wherever_the_project_is(
    hook: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    folder: str,
    handle: str,
) -> None:
    """The interpreter that runs cookiecutter has the bot's dependencies but not
    the bot: it runs the bot from src/, whatever characters the path holds."""
    project = fake_bot(tmp_path / folder / "acme-bot")
    monkeypatch.setattr(hook, "has_requirements", lambda: True)
    assert hook.authorize(project, "acme_bot", "acme-bot", handle) is None
    out, err = capfd.readouterr()
    assert json.loads(out) == ["auth", f"--handle={handle}"], err


def test_auth_without_a_handle_gets_no_handle_option(
    hook: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    project = fake_bot(tmp_path / "acme-bot")
    monkeypatch.setattr(hook, "has_requirements", lambda: True)
    assert hook.authorize(project, "acme_bot", "acme-bot", "") is None
    assert json.loads(capfd.readouterr().out) == ["auth"]


def test_auth_gives_up_cleanly_when_the_venv_cannot_be_made(
    hook: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(hook, "has_requirements", lambda: False)
    monkeypatch.setattr(hook, "make_venv", lambda project: None)
    assert hook.authorize(tmp_path, "acme_bot", "acme-bot", "") == "acme-bot auth"
    out = capsys.readouterr().out
    assert "Could not install the bot's dependencies" in out
    assert "finish later with `acme-bot auth`" in out


AUTH_COMMANDS = re.compile(r"acme-bot auth[^`\n#]*")


@pytest.mark.parametrize(
    ("error_line", "command"),
    [
        (
            "acme-bot: error: X rejected the app's API key and secret (from the "
            "environment): copy both again, then run `acme-bot auth --new-app-keys`.",
            "acme-bot auth --new-app-keys",
        ),
        (
            "acme-bot: error: X refused to start the authorization (415): set a "
            "Callback URI, then run `acme-bot auth` again.",
            "acme-bot auth",
        ),
        ("acme-bot: error: X did not answer: check your connection.", "acme-bot auth"),
    ],
)
def test_a_failed_auth_ends_with_one_command_to_finish(
    hook: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    error_line: str,
    command: str,
) -> None:
    """Whatever the bot's error says to run is the one command shown, in the
    next steps too; when it names none, the hook names `auth`, once."""
    project = fake_bot(tmp_path / "acme-bot", error_line)
    monkeypatch.chdir(project)
    monkeypatch.setattr(hook, "stdin_at_end", lambda: False)
    monkeypatch.setattr(hook, "has_requirements", lambda: True)
    hook.main(dict(ANSWERS))
    out, err = capfd.readouterr()
    assert error_line in err
    assert {found.strip() for found in AUTH_COMMANDS.findall(out + err)} == {command}
    next_steps = out.split("Next steps:")[1]
    assert f"  {command} " in next_steps
    assert out.count("finish later") == (0 if "`acme-bot auth" in error_line else 1)


def test_unauthorized_main_says_how_to_finish_and_ends_with_next_steps(
    hook: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(hook, "stdin_at_end", lambda: True)
    hook.main(dict(ANSWERS))
    out = capsys.readouterr().out
    assert "Skipping the authorization of the bot account" in out
    next_steps = out.split("Next steps:")[1]
    assert "acme-bot auth " in next_steps
    # The way into the project works from wherever cookiecutter was run.
    assert f"cd {tmp_path}\n" in next_steps


@pytest.mark.parametrize(
    ("environment", "install"),
    [
        ("none", ".venv/bin/pip install -e '.[test]'"),
        ("made by venv", ".venv/bin/pip install -e '.[test]'"),
        ("made by uv", "uv pip install --python .venv -e '.[test]'"),
    ],
)
def test_next_steps_install_into_the_bots_venv_with_what_it_has(
    hook: ModuleType,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    environment: str,
    install: str,
) -> None:
    """A .venv made by uv has no pip: a bare `pip install` would install the
    bot into whichever other pip comes first on PATH."""
    if environment != "none":
        venv.create(tmp_path / ".venv", with_pip=False)
    if environment == "made by venv":
        (tmp_path / ".venv" / "bin" / "pip").write_text("")
    hook.print_next_steps(tmp_path, "acme-bot", None)
    steps = [
        line.split("  #")[0].strip()
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("  ")
    ]
    assert install in steps
    assert ("python3 -m venv .venv" in steps) == (environment == "none")
    assert steps.index(install) < steps.index("source .venv/bin/activate")
    assert not [step for step in steps if step.startswith("pip ")]


SEPARATOR_IN_PATH = [
    f"out{os.pathsep}put",
    f"{os.pathsep}",
    f"a{os.pathsep}b/deeper",
    f"plain/with{os.pathsep}",
]


@pytest.mark.skipif(os.name == "nt", reason="the steps are for a POSIX shell")
@pytest.mark.parametrize("parent", SEPARATOR_IN_PATH)
def test_a_path_holding_the_path_separator_is_said_before_steps_that_move_the_bot(
    hook: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    parent: str,
) -> None:
    """No venv can be made in such a folder (PATH would split at the
    separator), so the steps start by moving the bot out of it."""
    project = tmp_path / parent / "acme-bot"
    project.mkdir(parents=True)
    (project / ".gitignore").write_text(".env\n")
    monkeypatch.chdir(project)
    monkeypatch.setattr(hook, "stdin_at_end", lambda: True)

    assert hook.main(dict(ANSWERS)) == 0

    out = capsys.readouterr().out
    before, next_steps = out.split("Next steps:")
    warnings = [line for line in before.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, out
    assert f"{project} contains {os.pathsep!r}" in warnings[0]
    assert "move the bot to a folder without it" in warnings[0]
    steps = [line.split("  #")[0].strip() for line in next_steps.splitlines()]
    moves = [step for step in steps if str(project) in step]
    assert moves == [f"mv {shlex.quote(str(project))} ~/"], next_steps
    assert steps[1:3] == [moves[0], "cd ~/acme-bot"], next_steps
    assert "python3 -m venv .venv" in steps

    # The steps up to the venv's lead into a folder where one can be made.
    home = tmp_path / "home"
    home.mkdir()
    (project / "bot.py").write_text("")
    result = run(
        ["sh", "-c", f"{steps[1]} && {steps[2]} && pwd"],
        cwd=tmp_path,
        env=dict(os.environ, HOME=str(home)),
        timeout=60,
    )
    assert result.stdout == f"{home / 'acme-bot'}\n", result.stderr
    assert (home / "acme-bot" / "bot.py").exists()


@pytest.mark.parametrize("parent", ["plain", "with space", "it's"])
def test_a_path_without_the_separator_gets_no_warning(
    hook: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    parent: str,
) -> None:
    project = tmp_path / parent / "acme-bot"
    project.mkdir(parents=True)
    (project / ".gitignore").write_text(".env\n")
    monkeypatch.chdir(project)
    monkeypatch.setattr(hook, "stdin_at_end", lambda: True)

    hook.main(dict(ANSWERS))

    out = capsys.readouterr().out
    assert "warning:" not in out
    assert f"  cd {shlex.quote(str(project))}\n" in out


@pytest.mark.parametrize("parent", SEPARATOR_IN_PATH)
def test_no_venv_is_made_in_a_path_holding_the_path_separator(
    hook: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    parent: str,
) -> None:
    """It could not be made there, or would break once the bot is moved."""
    project = tmp_path / parent / "acme-bot"
    project.mkdir(parents=True)
    monkeypatch.chdir(project)
    monkeypatch.setattr(hook, "stdin_at_end", lambda: False)
    monkeypatch.setattr(hook, "has_requirements", lambda: False)
    made = []
    monkeypatch.setattr(hook, "make_venv", made.append)

    assert hook.main(dict(ANSWERS)) == 0

    out = capsys.readouterr().out
    assert made == []
    assert "Skipping the authorization of the bot account: " in out
    assert "Could not install" not in out
    assert "acme-bot auth " in out.split("Next steps:")[1]


@pytest.mark.skipif(os.name == "nt", reason="':' cannot be in a Windows path")
def test_cookiecutter_into_a_path_with_a_colon_keeps_the_bot_and_says_what_to_do(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "bots:2024"
    result = run(
        [sys.executable, "-m", "cookiecutter", ".", "-o", out, "--no-input"],
        cwd=TEMPLATE_DIR,
        env=cli_env,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "my-bot" / "pyproject.toml").exists()
    warning = next(line for line in result.stdout.splitlines() if ":'" in line)
    assert warning.startswith(f"warning: {out / 'my-bot'} contains ':'")
