"""``guard``: stop a commit whose staged content holds a credential value.

It reads what ``git commit`` is about to record (the index, not the working
files) and looks for the exact values in ``.env`` and the environment, so it
finds a secret whatever it is called and never cries wolf. Run it from a
pre-commit hook; it names the file and line, never the value.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..credentials import COMMAND
from ..errors import InputError, StagedCredentialsError
from . import gitrepo
from .leaks import credential_values, find_values


@dataclass(frozen=True)
class Leak:
    path: str
    line: int
    name: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: contains the value of {self.name}"


def guard(env_file: Path | None) -> int:
    """Check the staged files: print each leak, then raise StagedCredentialsError."""
    root = repository(Path.cwd())
    values = credential_values(env_file)
    if not values:
        print("guard: no credentials in .env or the environment: nothing to look for.")
        return 0
    leaks = staged_leaks(root, values)
    for leak in leaks:
        print(leak, file=sys.stderr)
    if leaks:
        raise StagedCredentialsError(
            "the staged files hold credential values (listed above): take them "
            "out (they belong in .env only) and `git add` the files again "
            "before committing."
        )
    print("guard: no credential value in the staged files.")
    return 0


def repository(folder: Path) -> Path:
    if not gitrepo.has_git():
        raise InputError("guard checks what git is about to commit: install git.")
    root = gitrepo.repo_root(folder)
    if root is None:
        raise InputError(
            f"{folder} is not in a git repository: guard checks what git is about "
            f"to commit, so run `{COMMAND} guard` inside the bot's repository."
        )
    return root


def staged_leaks(root: Path, values: Mapping[str, str]) -> list[Leak]:
    leaks: list[Leak] = []
    for path in gitrepo.staged_files(root):
        try:
            content = gitrepo.staged_content(root, path)
        except subprocess.CalledProcessError:  # a submodule: no content here
            continue
        found = find_values(content, values)
        leaks.extend(Leak(path, place.line, place.name) for place in found)
    return leaks
