"""Throwaway git repositories for the tests of ``doctor`` and ``guard``.

Each test gets a fresh repository in its own folder, with this project's
``.gitignore`` and a git that ignores the developer's own configuration (a
global hooks path or commit signing would change what a commit does).
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from fake_x import FAKE_CREDENTIALS

PROJECT_GITIGNORE = Path(__file__).resolve().parent.parent / ".gitignore"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

ISOLATED_GIT = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def isolate_git(monkeypatch, folder):
    """Make git ignore user settings, and find no repository above ``folder``."""
    for name, value in ISOLATED_GIT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(Path(folder).parent))


def git(repo, *args):
    """Run git in ``repo``; return its output (fails the test if git fails)."""
    result = subprocess.run(  # noqa: S603 (git with fixed arguments)
        ["git", *args],  # noqa: S607
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def init_repo(folder):
    """A new repository in ``folder``, with the project's .gitignore committed."""
    git(folder, "init", "--quiet")
    shutil.copy(PROJECT_GITIGNORE, Path(folder) / ".gitignore")
    commit(folder, {".gitignore": PROJECT_GITIGNORE.read_text()}, "Ignore .env")
    return Path(folder)


def commit(repo, files, message="Change files"):
    """Write ``files`` (path: text), commit them; return the short hash."""
    for path, text in files.items():
        (Path(repo) / path).write_text(text, encoding="utf-8")
        git(repo, "add", "--force", path)
    git(repo, "commit", "--quiet", "--no-verify", "--message", message)
    return git(repo, "rev-parse", "--short", "HEAD")


def write_env_file(folder, values=None, mode=0o600):
    """Write NAME=value lines (default: the fake credentials) to folder/.env."""
    values = FAKE_CREDENTIALS if values is None else values
    path = Path(folder) / ".env"
    path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    path.chmod(mode)
    return path
