"""``guard``: stop a commit whose staged content holds a credential value.

It reads what ``git commit`` is about to record (the index, not the working
files) and looks for the exact values in ``.env`` and the environment, so it
finds a secret whatever it is called and never cries wolf. Run it from a
pre-commit hook; it names the file and line, never the value. With
``--message-file`` it checks the commit message instead (a commit-msg hook:
the message is written after the files are checked).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..credentials import COMMAND
from ..errors import InputError, StagedCredentialsError
from . import gitrepo
from .leaks import credential_values, find_values, names_in, redacted

# A commit message is a few lines. A file much larger is not one (a wrong
# path: a log, a disk image), and would only be read into memory for nothing.
LARGEST_MESSAGE = 2**20  # bytes: 1 MiB


@dataclass(frozen=True)
class Leak:
    path: str
    line: int | None  # None: the value is in the path itself
    name: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: its name contains the value of {self.name}"
        return f"{self.path}:{self.line}: contains the value of {self.name}"


def guard(env_file: Path | None, message_file: Path | None = None) -> int:
    """Check the staged files, or the commit message in ``message_file``: print
    each leak, then raise StagedCredentialsError."""
    values = credential_values(env_file)
    if message_file is not None:
        return check_message(message_file, values)
    root = repository(Path.cwd(), values)
    if not values:
        return nothing_to_look_for()
    return stop_if_any(
        staged_leaks(root, values),
        values,
        "the staged files",
        "the staged files hold credential values (listed above): take them out "
        "(they belong in .env only) and `git add` the files again before "
        "committing.",
    )


def check_message(message_file: Path, values: Mapping[str, str]) -> int:
    if not values:
        return nothing_to_look_for()
    shown = redacted(str(message_file), values)
    return stop_if_any(
        message_leaks(message_file, values),
        values,
        "the commit message",
        "the commit message holds a credential value (listed above): commit "
        f"again without it (`git commit --edit --file {shown}` starts from the "
        "refused message).",
    )


def nothing_to_look_for() -> int:
    print("guard: no credentials in .env or the environment: nothing to look for.")
    return 0


def stop_if_any(
    leaks: list[Leak], values: Mapping[str, str], checked: str, fix: str
) -> int:
    """Print each leak and raise StagedCredentialsError(fix), or say all is clean."""
    for leak in leaks:
        print(redacted(str(leak), values), file=sys.stderr)
    if leaks:
        raise StagedCredentialsError(fix)
    print(f"guard: no credential value in {checked}.")
    return 0


def repository(folder: Path, values: Mapping[str, str]) -> Path:
    if not gitrepo.has_git():
        raise InputError("guard checks what git is about to commit: install git.")
    root = gitrepo.repo_root(folder)
    if root is None:
        raise InputError(
            f"{redacted(str(folder), values)} is not in a git repository: guard "
            "checks what git is about to commit, so run "
            f"`{COMMAND} guard` inside the bot's repository."
        )
    return root


def staged_leaks(root: Path, values: Mapping[str, str]) -> list[Leak]:
    leaks: list[Leak] = []
    try:
        staged = gitrepo.staged_files(root)
    except subprocess.CalledProcessError:
        raise InputError(
            "git could not list the staged files: run `git status` to see why."
        ) from None
    for path in staged:
        names = names_in(os.fsencode(path), values)
        leaks.extend(Leak(path, None, name) for name in names)
        try:
            content = gitrepo.staged_content(root, path)
        except subprocess.CalledProcessError:  # a submodule: no content here
            continue
        found = find_values(content, values)
        leaks.extend(Leak(path, place.line, place.name) for place in found)
    return leaks


def message_leaks(message_file: Path, values: Mapping[str, str]) -> list[Leak]:
    found = find_values(read_message(message_file, values), values)
    return [Leak(str(message_file), place.line, place.name) for place in found]


def read_message(message_file: Path, values: Mapping[str, str]) -> bytes:
    """The commit message in ``message_file``, which must be a regular file
    (reading a named pipe waits for a writer, a device may never end) of at
    most LARGEST_MESSAGE bytes."""
    shown = redacted(str(message_file), values)
    give_instead = "give --message-file the file git wrote the commit message to"
    try:
        if not stat.S_ISREG(message_file.stat().st_mode):
            raise InputError(f"{shown} is not a regular file: {give_instead}.")
        with message_file.open("rb") as file:
            message = file.read(LARGEST_MESSAGE + 1)
    except OSError as error:
        raise InputError(
            f"cannot read the commit message in {shown}: {error.strerror}."
        ) from None
    if len(message) > LARGEST_MESSAGE:
        raise InputError(
            f"{shown} is larger than 1 MiB, too large for a commit message: "
            f"{give_instead}."
        )
    return message
