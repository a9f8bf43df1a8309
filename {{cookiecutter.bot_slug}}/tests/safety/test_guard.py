"""``guard``: a commit holding a value from .env is stopped, naming file and line."""

import json
import os
import sys

import pytest
from fake_x import FAKE_CREDENTIALS
from git_helpers import git, init_repo, needs_git, run_git, stage
from helpers import assert_one_error_line, run_cli, write_env_file

from {{ cookiecutter.package_name }} import cli
from {{ cookiecutter.package_name }}.credentials import COMMAND
from {{ cookiecutter.package_name }}.safety import gitrepo

ACCESS_TOKEN_SECRET = FAKE_CREDENTIALS["TWITTER_ACCESS_TOKEN_SECRET"]
CONSUMER_SECRET = FAKE_CREDENTIALS["TWITTER_CONSUMER_SECRET"]


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


def test_without_git_exits_2_with_one_line(capsys, monkeypatch):
    monkeypatch.setattr(gitrepo, "has_git", lambda: False)

    exit_code, _, err = run_guard(capsys)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "install git" in err


# --- a real `git commit` with guard as its pre-commit hook -------------------------


@pytest.fixture
def repo_with_hook(repo):
    """``repo`` whose pre-commit hook runs ``guard``, as pre-commit would."""
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m {cli.__package__} guard\n')
    hook.chmod(0o755)
    return repo


def git_commit(repo):
    """``git commit`` as the user runs it: with the hooks, whatever the outcome."""
    return run_git(repo, "commit", "--quiet", "--message", "Add notes")


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
