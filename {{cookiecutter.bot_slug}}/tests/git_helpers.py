"""Throwaway git repositories for the tests that look at git (doctor, guard,
auth saying whether .env is ignored), and the ways a file can spell a credential.

Each test gets a fresh repository in its own folder, with this project's
``.gitignore`` (git's own settings are isolated by conftest's ``isolated``).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_GITIGNORE = Path(__file__).resolve().parents[1] / ".gitignore"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

# Each Unicode encoding, with and without a byte-order mark: Windows
# PowerShell 5 writes UTF-16 LE with one, and UTF-32 takes 4 bytes a character.
UNICODE_SPELLINGS = [
    pytest.param(encoding, bom, id=f"{encoding}{'-bom' if bom else ''}")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
    for bom in (False, True)
]
# The second of these holds the bytes of a newline in UTF-16 and UTF-32
# (U+0A05 next to U+4E00): a line count must not take them for one.
LINE_BEFORE = "# 一ਅ一 notes"


def spelled(text, encoding, bom):
    """``text`` with Windows line ends, encoded as a Windows program may write it."""
    return (("\ufeff" if bom else "") + text.replace("\n", "\r\n")).encode(encoding)


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
    """Write ``text`` (str or bytes) to ``path`` in ``repo`` and stage it,
    ignored or not."""
    file = Path(repo) / path
    file.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        file.write_bytes(text)
    else:
        file.write_text(text, encoding="utf-8")
    git(repo, "add", "--force", "--", path)


def commit(repo, files, message="Change files"):
    """Stage ``files`` (path: text), commit them; return the short hash."""
    for path, text in files.items():
        stage(repo, path, text)
    git(repo, "commit", "--quiet", "--no-verify", "--message", message)
    return git(repo, "rev-parse", "--short", "HEAD")
