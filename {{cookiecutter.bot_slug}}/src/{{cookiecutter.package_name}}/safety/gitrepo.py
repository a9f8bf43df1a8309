"""The few questions ``doctor`` and ``guard`` ask git.

Every call runs ``git`` with its arguments as a list (no shell). No
credential value is ever passed on a command line, where other users could
see it in the process list: the values are searched for here, in Python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Change:
    """What one commit did to one file: its path, and the lines it added."""

    commit: str  # abbreviated hash
    path: str
    added: list[bytes] = field(default_factory=list)


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


def changes(root: Path) -> list[Change]:
    """Every change of every commit reachable from any ref, oldest first.

    A merge counts with what it changed on the branch merged into, so what
    was typed while resolving a conflict is in it.
    """
    patches = git(
        root,
        "log",
        "--all",
        "--reverse",
        "--root",  # the first commit too, whatever log.showRoot says
        "--patch",
        # `git log -p` shows no diff for a merge; a combined diff (--cc)
        # shows none for a file that looks binary, as UTF-16 does.
        "--diff-merges=first-parent",
        "--text",  # binary files too
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        "--no-prefix",
        "--no-show-signature",
        "--format=commit %h",
    )
    found: list[Change] = []
    commit = ""
    in_header = False  # between "diff --git" and the first hunk of a file
    for line in patches.split(b"\n"):
        if line.startswith(b"commit "):
            commit = line[7:].decode()
        elif line.startswith(b"diff --git "):
            found.append(Change(commit, path_in_header(line)))
            in_header = True
        elif line.startswith(b"@@"):
            in_header = False
        elif not in_header and line.startswith(b"+"):
            found[-1].added.append(line[1:])
    return found


def path_in_header(header: bytes) -> str:
    """The path in a ``diff --git PATH PATH`` line (the same path twice, as
    renames are off and prefixes too)."""
    both = header[len(b"diff --git ") :]
    path = both[: (len(both) - 1) // 2]
    if path.startswith(b'"'):  # git quotes a name with special characters
        path = path[1:-1].decode("unicode_escape").encode("latin-1")
    return os.fsdecode(path)


def commit_messages(root: Path) -> list[tuple[str, bytes]]:
    """The abbreviated hash and the message of every commit reachable from any
    ref, oldest first."""
    output = git(
        root,
        "log",
        "--all",
        "--reverse",
        "--no-show-signature",
        "-z",
        "--format=%h%n%B",
    )
    messages = []
    for record in output.split(b"\0"):  # a message holds no NUL
        commit, _, message = record.partition(b"\n")
        if commit:
            messages.append((commit.decode(), message))
    return messages


def tag_messages(root: Path) -> list[tuple[str, bytes]]:
    """The name and the message of every annotated tag. (A lightweight tag
    is only a name for a commit, whose message ``commit_messages`` has.)"""
    output = git(
        root,
        "for-each-ref",
        "--format=%(objecttype)%00%(refname:short)%00%(contents)%00",
        "refs/tags",
    )
    messages = []
    for record in output.split(b"\0\n"):  # each ends so; a message holds no NUL
        kind, _, rest = record.partition(b"\0")
        name, _, message = rest.partition(b"\0")
        if kind == b"tag":
            messages.append((os.fsdecode(name), message))
    return messages


def split_nul(output: bytes) -> list[str]:
    # fsdecode keeps a name that is not UTF-8 usable: git and open() take it back.
    return [os.fsdecode(name) for name in output.split(b"\0") if name]
