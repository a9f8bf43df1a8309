"""``doctor``: check the credential layout, one line per check, with the fix.

1. ``.env`` holds the four credentials and only its owner may read it;
2. git ignores ``.env``, ``.env.*`` and ``tw.json`` and tracks none of them;
3. no credential value is in a tracked file or anywhere in the git history
   (a file's content or name, a commit message, an annotated tag's message);
4. ``TWITTER_API_BASE_URL`` is https (or loopback);
5. X accepts the credentials and the token may write (one ``GET /2/users/me``).
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..client import Client
from ..credentials import (
    API_BASE_URL,
    COMMAND,
    CREDENTIAL_NAMES,
    X_API_ROOT,
    Settings,
    load_settings,
)
from ..errors import BotError, ConfigError, InputError
from . import gitrepo
from .leaks import (
    MIN_SEARCHED_LENGTH,
    credential_values,
    find_values,
    names_in,
    redacted,
)

OK = "ok"
FAIL = "FAIL"
SKIP = "skip"

RUNBOOK = "README: If your credentials leak"


@dataclass(frozen=True)
class Check:
    status: str  # OK, FAIL or SKIP
    message: str  # what is fine, or what is wrong and the exact fix

    def __str__(self) -> str:
        return f"{self.status:<5} {self.message}"


def diagnose(settings: Settings, *, fix: bool = False) -> list[Check]:
    """Run every check; ``fix`` makes ``.env`` private when it is not."""
    env_file = settings.env_file
    folder = env_file.parent if env_file else Path.cwd()
    values = credential_values(env_file)
    checks = [
        *check_env_file(settings),
        *check_env_file_mode(env_file, fix=fix),
        *check_git(folder, env_file, values),
        *check_base_url(settings),
        *check_credentials_with_x(settings),
    ]
    # A path, a file name or git's words may hold a value: none is shown.
    return [Check(check.status, redacted(check.message, values)) for check in checks]


def report(checks: Iterable[Check]) -> int:
    """Print the checks; the exit code is 1 when one failed, else 0."""
    checks = list(checks)
    for check in checks:
        print(check)
    problems = sum(check.status == FAIL for check in checks)
    if problems:
        print(f"{problems} problem{'s' if problems > 1 else ''} found.")
        return 1
    print("All is well.")
    return 0


def check_env_file(settings: Settings) -> Iterator[Check]:
    env_file = settings.env_file
    if env_file is None:
        if all(settings.values.get(name) for name in CREDENTIAL_NAMES):
            yield Check(OK, "no .env: the four credentials come from the environment")
        else:
            yield Check(
                FAIL,
                f"no .env in {Path.cwd()} or its parents: run `{COMMAND} auth` "
                f"(or `{COMMAND} auth --import tw.json`) to write it",
            )
        return
    in_file = load_settings(env_file, environ={}).values
    missing = [name for name in CREDENTIAL_NAMES if not in_file.get(name)]
    if missing:
        yield Check(
            FAIL,
            f"{shown(env_file)} lacks {', '.join(missing)}: run `{COMMAND} auth` "
            "to fill it in",
        )
    else:
        yield Check(OK, f"{shown(env_file)} has the four credentials")


def check_env_file_mode(env_file: Path | None, *, fix: bool) -> Iterator[Check]:
    if env_file is None or os.name == "nt":  # Windows has no such modes
        return
    mode = stat.S_IMODE(env_file.stat().st_mode)
    if not mode & 0o077:
        yield Check(OK, f"{shown(env_file)} is private (mode {mode:04o})")
    elif fix:
        try:
            env_file.chmod(0o600)
        except OSError as error:  # another user's file, a read-only disk
            yield Check(
                FAIL,
                f"{shown(env_file)} is open to other users (mode {mode:04o}) and "
                f"--fix could not change that ({error.strerror}): run "
                f"`chmod 600 {shown(env_file)}` as the file's owner (`ls -l` "
                "shows who)",
            )
            return
        yield Check(OK, f"{shown(env_file)} was mode {mode:04o}, is now 0600 (fixed)")
    else:
        yield Check(
            FAIL,
            f"{shown(env_file)} is open to other users (mode {mode:04o}): run "
            f"`chmod 600 {shown(env_file)}` or `{COMMAND} doctor --fix`",
        )


def check_git(
    folder: Path, env_file: Path | None, values: Mapping[str, str]
) -> Iterator[Check]:
    if not gitrepo.has_git():
        yield Check(
            SKIP,
            "git is not installed, so nothing was checked in git: install git, "
            "then run `git init` in the bot's folder",
        )
        return
    root = gitrepo.repo_root(folder)
    if root is None:
        yield Check(
            SKIP,
            f"{folder} is not in a git repository, so nothing was checked in "
            "git: run `git init` there to start one",
        )
        return
    try:
        yield from check_ignored_and_untracked(root, env_file)
        if not values:
            yield Check(
                SKIP,
                "no credential values to look for in git (none set, or shorter "
                f"than {MIN_SEARCHED_LENGTH} characters)",
            )
            return
        yield from check_tracked_files(root, values)
        yield from check_history(root, values)
    except subprocess.CalledProcessError as error:
        command = " ".join(error.cmd[:2])
        said = error.stderr.decode(errors="replace").strip().splitlines()
        why = f" ({said[-1]})" if said else ""
        yield Check(FAIL, f"`{command}` failed in {root}{why}: run `git status` there")


def check_ignored_and_untracked(root: Path, env_file: Path | None) -> Iterator[Check]:
    env_path = relative_path(env_file, root) if env_file else None

    def holds_credentials(path: str) -> bool:
        return path == env_path or is_credential_file(path)

    must_be_ignored = {".env", "tw.json", *(path.name for path in root.glob(".env.*"))}
    if env_path:
        must_be_ignored.add(env_path)
    problems = []
    for path in sorted(must_be_ignored):
        if holds_credentials(path) and not gitrepo.is_ignored(root, path):
            line = ".env.*" if Path(path).name.startswith(".env.") else path
            problems.append(
                Check(
                    FAIL,
                    f"{path} is not ignored by git: add the line `{line}` to "
                    f"{root / '.gitignore'}",
                )
            )
    for path in gitrepo.tracked_files(root):
        if holds_credentials(path):
            problems.append(
                Check(
                    FAIL,
                    f"{path} is tracked by git: run `git rm --cached {path}` and "
                    f"commit, then treat its values as leaked ({RUNBOOK})",
                )
            )
    yield from problems or [
        Check(OK, ".env, .env.* and tw.json are ignored by git and not tracked")
    ]


def is_credential_file(path: str) -> bool:
    """Whether ``path`` is named like a file that holds credentials."""
    name = Path(path).name
    return name in (".env", "tw.json") or (
        name.startswith(".env.") and name != ".env.example"
    )


def relative_path(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` in git's form, or None when outside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def check_tracked_files(root: Path, values: Mapping[str, str]) -> Iterator[Check]:
    problems: list[Check] = []
    tracked = gitrepo.tracked_files(root)
    for path in tracked:
        content = tracked_content(root / path)
        if content is None:
            continue
        problems.extend(
            Check(
                FAIL,
                f"{path}:{found.line} holds the value of {found.name}: take it "
                f"out, then treat it as leaked ({RUNBOOK})",
            )
            for found in find_values(content, values)
        )
    for path in tracked:
        problems.extend(
            Check(
                FAIL,
                f"{path}: its name contains the value of {name}: rename it, then "
                f"treat it as leaked ({RUNBOOK})",
            )
            for name in names_in(os.fsencode(path), values)
        )
    yield from problems or [Check(OK, "no credential value in a tracked file")]


def tracked_content(path: Path) -> bytes | None:
    """What git would record for ``path``: a symlink's target (git stores
    where a link points, not what it points to) or a regular file's bytes.
    None for anything else: reading a named pipe waits for a writer, a device
    may never end; and for a file deleted since or a submodule's folder."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            return os.fsencode(os.readlink(path))
        if stat.S_ISREG(mode):
            return path.read_bytes()
    except OSError:
        pass
    return None


def check_history(root: Path, values: Mapping[str, str]) -> Iterator[Check]:
    # (variable, where its value is) -> the commits that put it there, oldest first
    commits_by_place: dict[tuple[str, str], list[str]] = {}

    def note(names: Iterable[str], where: str, commit: str) -> None:
        for name in names:
            commits = commits_by_place.setdefault((name, where), [])
            if commit not in commits:
                commits.append(commit)

    for change in gitrepo.changes(root):
        added = b"\n".join(change.added)
        note(names_in(added, values), f"added to {change.path} in", change.commit)
        names = names_in(os.fsencode(change.path), values)
        note(names, f"in the name of {change.path} in", change.commit)
    for commit, message in gitrepo.commit_messages(root):
        note(names_in(message, values), "in the message of", commit)
    leaks = []
    for (name, where), commits in commits_by_place.items():
        more = f" and {len(commits) - 1} later" if len(commits) > 1 else ""
        leaks.append(history_leak(name, f"{where} commit {commits[0]}{more}"))
    for tag, message in gitrepo.tag_messages(root):
        for name in names_in(message, values):
            leaks.append(history_leak(name, f"in the message of tag {tag}"))
    yield from leaks or [Check(OK, "no credential value anywhere in the git history")]


def history_leak(name: str, where: str) -> Check:
    return Check(
        FAIL,
        f"the value of {name} is in the git history: {where}. Rewriting the "
        f"history is not enough: replace the credential ({RUNBOOK})",
    )


def check_base_url(settings: Settings) -> Iterator[Check]:
    try:
        base_url = settings.api_base_url()
    except ConfigError as error:
        yield Check(FAIL, str(error))
        return
    if API_BASE_URL in settings.values:
        yield Check(OK, f"{API_BASE_URL} is {base_url}")
    else:
        yield Check(OK, f"requests go to X ({X_API_ROOT})")


def check_credentials_with_x(settings: Settings) -> Iterator[Check]:
    try:
        credentials = settings.credentials()
    except InputError:
        yield Check(SKIP, "the credentials were not tried with X: fix the above first")
        return
    try:
        account = Client(credentials).me()
    except BotError as error:
        yield Check(FAIL, str(error))
        return
    username, access_level = account.username, account.access_level
    if access_level == "read":
        yield Check(
            FAIL,
            f"the token of @{username} may only read (x-access-level: read): in "
            "the developer portal, set App permissions to Read and write (the "
            f"app's User authentication settings), then re-run `{COMMAND} auth` "
            "after enabling Read and write (old tokens keep the old permission)",
        )
    elif access_level.startswith("read-write"):
        yield Check(OK, f"X accepts the credentials of @{username}, who may post")
    else:
        yield Check(
            OK,
            f"X accepts the credentials of @{username} (X did not say whether "
            "the token may post)",
        )


def shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it."""
    return relative_path(path, Path.cwd()) or str(path)
