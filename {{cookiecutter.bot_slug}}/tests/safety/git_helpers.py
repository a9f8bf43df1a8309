"""Throwaway git repositories for the tests of ``doctor`` and ``guard``.

Each test gets a fresh repository in its own folder, with this project's
``.gitignore`` (git's own settings are isolated by conftest's ``isolated``).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_GITIGNORE = Path(__file__).resolve().parents[2] / ".gitignore"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def run_git(repo, *args):
    """Run git in ``repo``; return the finished process, whatever its exit code."""
    return subprocess.run(  # noqa: S603 (git with fixed arguments)
        ["git", *args],  # noqa: S607
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


def git(repo, *args):
    """Run git in ``repo``; return its output (fails the test if git fails)."""
    result = run_git(repo, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def init_repo(folder):
    """A new repository in ``folder``, with the project's .gitignore committed."""
    git(folder, "init", "--quiet")
    shutil.copy(PROJECT_GITIGNORE, Path(folder) / ".gitignore")
    commit(folder, {".gitignore": PROJECT_GITIGNORE.read_text()}, "Ignore .env")
    return Path(folder)


def stage(repo, path, text):
    """Write ``text`` to ``path`` in ``repo`` and stage it, ignored or not."""
    (Path(repo) / path).write_text(text, encoding="utf-8")
    git(repo, "add", "--force", path)


def commit(repo, files, message="Change files"):
    """Stage ``files`` (path: text), commit them; return the short hash."""
    for path, text in files.items():
        stage(repo, path, text)
    git(repo, "commit", "--quiet", "--no-verify", "--message", message)
    return git(repo, "rev-parse", "--short", "HEAD")
