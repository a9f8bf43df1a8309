"""``guard``: a commit holding a value from .env is stopped, naming file and line."""

import json
import os
import sys
from pathlib import Path

import pytest
import yaml
from fake_x import FAKE_CREDENTIALS
from git_helpers import (
    LINE_BEFORE,
    UNICODE_SPELLINGS,
    git,
    init_repo,
    needs_git,
    run_git,
    spelled,
    stage,
)
from helpers import assert_one_error_line, run_cli, write_env_file

from {{ cookiecutter.package_name }} import cli
from {{ cookiecutter.package_name }}.credentials import COMMAND
from {{ cookiecutter.package_name }}.safety import gitrepo

ACCESS_TOKEN_SECRET = FAKE_CREDENTIALS["TWITTER_ACCESS_TOKEN_SECRET"]
CONSUMER_SECRET = FAKE_CREDENTIALS["TWITTER_CONSUMER_SECRET"]
NAMED_SECRET = "<TWITTER_ACCESS_TOKEN_SECRET>"  # how a path holding it is shown
MESSAGE_FILE = ".git/COMMIT_EDITMSG"  # what pre-commit passes to a commit-msg hook
PRE_COMMIT_CONFIG = Path(__file__).resolve().parents[2] / ".pre-commit-config.yaml"


@pytest.fixture
def repo(isolated, credentials_in_dotenv):
    """A git repository with the project's .gitignore and the fake .env."""
    return init_repo(isolated)


def run_guard(capsys, *args):
    """Run ``guard``; return (exit code, stdout, stderr)."""
    return run_cli(capsys, "guard", *args)


@needs_git
def test_clean_staged_files_pass(capsys, repo):
    stage(repo, "bot.py", "print('hello')\n")

    exit_code, out, err = run_guard(capsys)

    assert exit_code == 0
    assert "no credential value in the staged files" in out
    assert err == ""


@needs_git
def test_staged_value_fails_naming_file_line_and_variable(capsys, repo):
    stage(repo, "notes.md", f"# Notes\n\nmy secret: {ACCESS_TOKEN_SECRET}\n")

    exit_code, _, err = run_guard(capsys)

    lines = err.splitlines()
    assert lines[0] == "notes.md:3: contains the value of TWITTER_ACCESS_TOKEN_SECRET"
    assert lines[-1].startswith(f"{COMMAND}: error: ")
    assert len(lines) == 2  # the secret holds the token's value: one finding
    assert exit_code == 1


@needs_git
def test_a_value_under_any_name_is_found(capsys, repo):
    """Pattern scanners look for TWITTER_* names; the guard looks for the value."""
    stage(repo, "settings.json", json.dumps({"password": CONSUMER_SECRET}))

    exit_code, _, err = run_guard(capsys)

    assert "settings.json:1: contains the value of TWITTER_CONSUMER_SECRET" in err
    assert exit_code == 1


@needs_git
def test_each_leak_is_named(capsys, repo):
    stage(repo, "a.txt", f"{CONSUMER_SECRET}\n")
    stage(repo, "b.txt", f"x\n{ACCESS_TOKEN_SECRET}\n")

    _, _, err = run_guard(capsys)

    assert "a.txt:1: contains the value of TWITTER_CONSUMER_SECRET" in err
    assert "b.txt:2: contains the value of TWITTER_ACCESS_TOKEN_SECRET" in err


@needs_git
@pytest.mark.parametrize(("encoding", "bom"), UNICODE_SPELLINGS)
def test_a_value_in_any_unicode_encoding_is_found_on_its_line(
    capsys, repo, encoding, bom
):
    text = f"{LINE_BEFORE}\ntoken secret: {ACCESS_TOKEN_SECRET}\n"
    stage(repo, "notes.txt", spelled(text, encoding, bom))

    exit_code, _, err = run_guard(capsys)

    assert err.splitlines()[0] == (
        "notes.txt:2: contains the value of TWITTER_ACCESS_TOKEN_SECRET"
    )
    assert exit_code == 1


@needs_git
@pytest.mark.parametrize(
    "path",
    [
        f"{ACCESS_TOKEN_SECRET}.txt",
        f"backup-{ACCESS_TOKEN_SECRET}",
        f"keys/{ACCESS_TOKEN_SECRET}/notes.md",
    ],
)
def test_a_value_in_a_staged_path_is_named_never_shown(capsys, repo, path):
    stage(repo, path, "nothing secret inside\n")

    exit_code, _, err = run_guard(capsys)

    shown = path.replace(ACCESS_TOKEN_SECRET, NAMED_SECRET)
    assert err.splitlines()[0] == (
        f"{shown}: its name contains the value of TWITTER_ACCESS_TOKEN_SECRET"
    )
    assert exit_code == 1


@needs_git
@pytest.mark.skipif(os.name == "nt", reason="Windows forbids these in file names")
@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("two\nlines.md", "two?lines.md"),
        ("clear\x1b[2Jscreen.md", "clear?[2Jscreen.md"),
        ("bell\x07.md", "bell?.md"),
        ("tab\t.md", "tab?.md"),
        ("gpj\u202e.md", "gpj?.md"),  # a right-to-left override
        ("line\u2028separator.md", "line?separator.md"),
    ],
)
def test_a_file_name_with_control_characters_is_shown_on_one_line(
    capsys, repo, name, shown
):
    stage(repo, name, f"{ACCESS_TOKEN_SECRET}\n")

    _, _, err = run_guard(capsys)

    assert err.splitlines()[0] == (
        f"{shown}:1: contains the value of TWITTER_ACCESS_TOKEN_SECRET"
    )


@needs_git
@pytest.mark.skipif(
    os.name == "nt" or sys.platform == "darwin",
    reason="only file names of bytes can be other than UTF-8",
)
def test_a_file_whose_name_is_not_utf8_is_searched(capsys, repo):
    stage(repo, os.fsdecode(b"caf\xe9.md"), f"{ACCESS_TOKEN_SECRET}\n")

    exit_code, _, err = run_guard(capsys)

    assert err.splitlines()[0] == (
        "caf?.md:1: contains the value of TWITTER_ACCESS_TOKEN_SECRET"
    )
    assert exit_code == 1


@needs_git
def test_staged_env_file_fails(capsys, repo):
    git(repo, "add", "--force", ".env")

    exit_code, _, err = run_guard(capsys)

    assert ".env:1: contains the value of TWITTER_CONSUMER_KEY" in err
    assert exit_code == 1


@needs_git
def test_staged_content_counts_not_the_working_file(capsys, repo):
    stage(repo, "notes.md", f"{ACCESS_TOKEN_SECRET}\n")
    (repo / "notes.md").write_text("cleaned, but not staged again\n")

    exit_code, _, _ = run_guard(capsys)

    assert exit_code == 1


@needs_git
def test_unstaged_value_is_not_the_commits_business(capsys, repo):
    stage(repo, "notes.md", "clean\n")
    (repo / "notes.md").write_text(f"{ACCESS_TOKEN_SECRET}\n")

    exit_code, _, _ = run_guard(capsys)

    assert exit_code == 0


@needs_git
def test_values_from_the_environment_are_looked_for(capsys, monkeypatch, isolated):
    init_repo(isolated)
    monkeypatch.setenv("TWITTER_ACCESS_TOKEN", "fake-token-from-ci-environment")
    stage(isolated, "ci.sh", "TOKEN=fake-token-from-ci-environment\n")

    exit_code, _, err = run_guard(capsys)

    assert "fake-token-from-ci-environment" not in err
    assert "ci.sh:1: contains the value of TWITTER_ACCESS_TOKEN" in err
    assert exit_code == 1


@needs_git
def test_short_values_are_not_looked_for(capsys, isolated):
    init_repo(isolated)
    write_env_file(isolated / ".env", {"TWITTER_CONSUMER_KEY": "abc"})
    stage(isolated, "abc.txt", "abc\n")

    exit_code, _, _ = run_guard(capsys)

    assert exit_code == 0


@needs_git
def test_without_credentials_there_is_nothing_to_look_for(capsys, isolated):
    init_repo(isolated)
    stage(isolated, "bot.py", "print('hello')\n")

    exit_code, out, _ = run_guard(capsys)

    assert exit_code == 0
    assert "nothing to look for" in out


@needs_git
def test_outside_a_repository_exits_2_with_one_line(capsys, credentials_in_dotenv):
    exit_code, out, err = run_guard(capsys)

    assert exit_code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "not in a git repository" in err


@needs_git
def test_a_folder_named_after_a_value_is_not_shown(capsys, monkeypatch, isolated):
    folder = isolated / ACCESS_TOKEN_SECRET
    write_env_file(folder / ".env")
    monkeypatch.chdir(folder)

    exit_code, _, err = run_guard(capsys)

    assert f"{NAMED_SECRET} is not in a git repository" in err
    assert exit_code == 2


@needs_git
def test_git_failing_to_list_the_staged_files_exits_2_with_one_line(capsys, repo):
    (repo / ".git" / "index").write_bytes(b"not an index")

    exit_code, _, err = run_guard(capsys)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "`git status`" in err


def test_without_git_exits_2_with_one_line(capsys, monkeypatch):
    monkeypatch.setattr(gitrepo, "has_git", lambda: False)

    exit_code, _, err = run_guard(capsys)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "install git" in err


# --- the commit message (--message-file, a commit-msg hook) ------------------------


def write_message(repo, text):
    """Write ``text`` where git keeps the message of the commit being made."""
    (repo / MESSAGE_FILE).write_text(text, encoding="utf-8")


@needs_git
@pytest.mark.parametrize(
    ("message", "line"),
    [
        (f"Add {ACCESS_TOKEN_SECRET}\n", 1),
        (f"Add notes\n\nThe token secret is {ACCESS_TOKEN_SECRET}.\n", 3),
        (f"Add notes\n\nsee https://example.com/?s={ACCESS_TOKEN_SECRET}\n", 3),
    ],
    ids=["subject", "body", "in-a-url"],
)
def test_a_value_in_the_commit_message_fails_naming_the_line(
    capsys, repo, message, line
):
    write_message(repo, message)

    exit_code, _, err = run_guard(capsys, "--message-file", MESSAGE_FILE)

    lines = err.splitlines()
    assert lines[0] == (
        f"{MESSAGE_FILE}:{line}: contains the value of TWITTER_ACCESS_TOKEN_SECRET"
    )
    assert lines[1].startswith(f"{COMMAND}: error: the commit message holds")
    assert f"`git commit --edit --file {MESSAGE_FILE}`" in lines[1]
    assert len(lines) == 2
    assert exit_code == 1


@needs_git
def test_a_clean_commit_message_passes(capsys, repo):
    write_message(repo, "Add notes\n\nNothing secret.\n")

    exit_code, out, err = run_guard(capsys, "--message-file", MESSAGE_FILE)

    assert exit_code == 0
    assert "no credential value in the commit message" in out
    assert err == ""


def test_a_missing_message_file_exits_2_with_one_line(capsys, credentials_in_dotenv):
    exit_code, _, err = run_guard(capsys, "--message-file", "nowhere/COMMIT_EDITMSG")

    assert exit_code == 2
    assert_one_error_line(err)
    assert "cannot read the commit message in nowhere/COMMIT_EDITMSG" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_message_file_that_is_a_pipe_exits_2_without_waiting(
    capsys, isolated, credentials_in_dotenv
):
    """Reading a named pipe waits for a writer that may never come."""
    os.mkfifo(isolated / "COMMIT_EDITMSG")

    exit_code, out, err = run_guard(capsys, "--message-file", "COMMIT_EDITMSG")

    assert exit_code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "COMMIT_EDITMSG is not a regular file" in err


@pytest.mark.parametrize(
    "path",
    [
        ".",
        "a-folder",
        pytest.param(
            "/dev/zero",  # a device that never ends
            marks=pytest.mark.skipif(os.name == "nt", reason="no /dev/zero"),
        ),
    ],
)
def test_a_message_file_that_is_not_a_regular_file_exits_2(
    capsys, isolated, credentials_in_dotenv, path
):
    (isolated / "a-folder").mkdir()

    exit_code, out, err = run_guard(capsys, "--message-file", path)

    assert exit_code == 2
    assert out == ""
    assert_one_error_line(err)
    assert f"{path} is not a regular file" in err


@pytest.mark.parametrize("size", [2**20 + 1, 50 * 2**20])
def test_a_message_file_larger_than_any_commit_message_exits_2(
    capsys, isolated, credentials_in_dotenv, size
):
    with (isolated / "big.txt").open("wb") as file:
        file.truncate(size)  # sparse: no need to write it all

    exit_code, out, err = run_guard(capsys, "--message-file", "big.txt")

    assert exit_code == 2
    assert out == ""
    assert_one_error_line(err)
    assert "big.txt is larger than 1 MiB" in err


def test_a_message_of_1_mib_is_searched_to_its_end(
    capsys, isolated, credentials_in_dotenv
):
    end = f"\n{ACCESS_TOKEN_SECRET}\n".encode()
    (isolated / "msg.txt").write_bytes(bytes(2**20 - len(end)) + end)

    exit_code, _, err = run_guard(capsys, "--message-file", "msg.txt")

    assert "msg.txt:2: contains the value of TWITTER_ACCESS_TOKEN_SECRET" in err
    assert exit_code == 1


def test_pre_commit_checks_the_commit_message_too():
    config = yaml.safe_load(PRE_COMMIT_CONFIG.read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    message_hook = hooks["credentials-guard-message"]

    assert "commit-msg" in config["default_install_hook_types"]
    assert message_hook["entry"] == f"{COMMAND} guard --message-file"
    assert message_hook["stages"] == ["commit-msg"]
    # The other hooks run once, before the message is written.
    assert config["default_stages"] == ["pre-commit"]


# --- a real `git commit` with guard as its pre-commit hook -------------------------


@pytest.fixture
def repo_with_hook(repo):
    """``repo`` whose pre-commit and commit-msg hooks run ``guard``, as
    pre-commit would."""
    guard = f'"{sys.executable}" -m {cli.__package__} guard'
    hooks = repo / ".git" / "hooks"
    for hook, command in [
        ("pre-commit", guard),
        ("commit-msg", f'{guard} --message-file "$1"'),
    ]:
        (hooks / hook).write_text(f"#!/bin/sh\nexec {command}\n")
        (hooks / hook).chmod(0o755)
    return repo


def git_commit(repo, message="Add notes"):
    """``git commit`` as the user runs it: with the hooks, whatever the outcome."""
    return run_git(repo, "commit", "--quiet", "--message", message)


@needs_git
@pytest.mark.skipif(os.name == "nt", reason="a POSIX shell hook")
def test_git_commit_with_a_value_is_refused(repo_with_hook):
    before = git(repo_with_hook, "rev-parse", "HEAD")
    stage(repo_with_hook, "notes.md", f"token secret: {ACCESS_TOKEN_SECRET}\n")

    result = git_commit(repo_with_hook)

    assert result.returncode != 0
    assert "notes.md:1: contains the value of TWITTER_ACCESS_TOKEN_SECRET" in (
        result.stderr
    )
    assert ACCESS_TOKEN_SECRET not in result.stdout + result.stderr
    assert git(repo_with_hook, "rev-parse", "HEAD") == before


@needs_git
@pytest.mark.skipif(os.name == "nt", reason="a POSIX shell hook")
def test_git_commit_without_values_goes_through(repo_with_hook):
    before = git(repo_with_hook, "rev-parse", "HEAD")
    stage(repo_with_hook, "notes.md", "nothing secret here\n")

    result = git_commit(repo_with_hook)

    assert result.returncode == 0, result.stderr
    assert git(repo_with_hook, "rev-parse", "HEAD") != before


@needs_git
@pytest.mark.skipif(os.name == "nt", reason="a POSIX shell hook")
def test_git_commit_with_a_value_in_its_message_is_refused(repo_with_hook):
    before = git(repo_with_hook, "rev-parse", "HEAD")
    stage(repo_with_hook, "notes.md", "nothing secret here\n")

    result = git_commit(repo_with_hook, f"Add notes\n\ntoken: {ACCESS_TOKEN_SECRET}")

    assert result.returncode != 0
    assert "COMMIT_EDITMSG:3: contains the value of TWITTER_ACCESS_TOKEN_SECRET" in (
        result.stderr
    )
    assert ACCESS_TOKEN_SECRET not in result.stdout + result.stderr
    assert git(repo_with_hook, "rev-parse", "HEAD") == before
