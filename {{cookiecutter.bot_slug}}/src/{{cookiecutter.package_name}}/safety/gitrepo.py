"""The few questions ``doctor`` and ``guard`` ask git.

Every call runs ``git`` with its arguments as a list (no shell). No
credential value is ever passed on a command line, where other users could
see it in the process list: the values are searched for here, in Python.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AddedLine:
    """A line some commit added to a file."""

    commit: str  # abbreviated hash
    path: str
    text: bytes


def has_git() -> bool:
    return shutil.which("git") is not None


def git(root: Path, *args: str) -> bytes:
    """The output of ``git ARGS`` run in ``root``; raise CalledProcessError on failure."""
    result = subprocess.run(  # noqa: S603 (a fixed program, arguments as a list)
        ["git", *args],  # noqa: S607 (git from PATH, as the user runs it)
        cwd=root,
        capture_output=True,
        check=True,
    )
    return result.stdout


def repo_root(folder: Path) -> Path | None:
    """The top folder of the git repository holding ``folder``, or None."""
    try:
        top = git(folder, "rev-parse", "--show-toplevel")
    except (subprocess.CalledProcessError, OSError):
        return None
    return Path(top.decode().strip())


def tracked_files(root: Path) -> list[str]:
    """Paths (relative to ``root``) of the files in git's index."""
    return split_nul(git(root, "ls-files", "-z"))


def is_ignored(root: Path, path: str) -> bool:
    """Whether .gitignore rules ignore ``path`` (tracked or not)."""
    # --no-index asks the rules alone: a tracked file otherwise never counts
    # as ignored, and being tracked is checked on its own.
    try:
        git(root, "check-ignore", "--quiet", "--no-index", "--", path)
    except subprocess.CalledProcessError:  # 1: not ignored
        return False
    return True


def staged_files(root: Path) -> list[str]:
    """Files the next commit adds or changes (deletions have nothing to leak)."""
    output = git(root, "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR")
    return split_nul(output)


def staged_content(root: Path, path: str) -> bytes:
    """The content of ``path`` as staged (what the commit will record)."""
    return git(root, "cat-file", "blob", f":{path}")


def added_lines(root: Path) -> Iterator[AddedLine]:
    """Every line added by every commit reachable from any ref, oldest first."""
    patches = git(
        root,
        "log",
        "--all",
        "--reverse",
        "--patch",
        "--text",  # binary files too
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        "--format=commit %h",
    )
    commit = path = ""
    in_header = False  # between "diff --git" and the first hunk of a file
    for line in patches.split(b"\n"):
        if line.startswith(b"commit "):
            commit = line[7:].decode()
        elif line.startswith(b"diff --git "):
            in_header = True
        elif in_header and line.startswith(b"+++ "):
            path = line[4:].decode(errors="replace").removeprefix("b/")
        elif line.startswith(b"@@"):
            in_header = False
        elif not in_header and line.startswith(b"+"):
            yield AddedLine(commit, path, line[1:])


def split_nul(output: bytes) -> list[str]:
    return [name.decode(errors="replace") for name in output.split(b"\0") if name]
