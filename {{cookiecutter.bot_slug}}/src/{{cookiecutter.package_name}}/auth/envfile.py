"""Update ``.env`` in place, atomically, readable by its owner only.

Other lines (comments, other variables) are kept. The new content is written
to a temporary file in the same folder, with mode 0600 from the start, and
then renamed over ``.env``: at no moment is there a half-written or
world-readable file, and a failure leaves the old file as it was.

Why not python-dotenv's ``set_key``: it rewrites the file once per key, so
saving four keys is four rewrites, and a failure between them leaves old and
new credentials mixed; it keeps an existing file's mode, so a ``.env`` that
others may read stays readable; and it does not flush the new content to
disk before the rename.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from dotenv.parser import parse_stream

from ..credentials import check_regular_file
from ..errors import ConfigError
from ..safety import gitrepo

PLAIN_VALUE = re.compile(r"[A-Za-z0-9_.,:/+=@%~-]*")
BYTE_ORDER_MARK = "\ufeff"


def update_env_file(path: Path, values: Mapping[str, str | None]) -> None:
    """Set ``values`` in the file at ``path``, keeping every other line.

    A value of None removes that name's line. The file is split into
    assignments by python-dotenv's own parser, so what is replaced is exactly
    what the bot reads, and everything else stays byte for byte (a byte order
    mark, line endings, values spanning lines, comments).
    """
    target = writable_target(path)
    try:
        # Bytes decoded as they are: read_text would turn "\r\n" into "\n".
        text = target.read_bytes().decode("utf-8") if target.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"cannot read {path} ({error.__class__.__name__}), so it was left as "
            "it is: fix or move it, then run this again."
        ) from None
    try:
        write_private(target, updated(text, values))
    except OSError as error:
        raise ConfigError(
            f"cannot write {path} ({error.strerror or error.__class__.__name__}), "
            "so it was left as it was: check the folder's permissions and free "
            "space, then run this again."
        ) from None


def check_writable(path: Path) -> None:
    """Raise ConfigError now if ``update_env_file(path, ...)`` could not work:
    before the PIN flow, not after it, when the new tokens would be lost."""
    target = writable_target(path)
    try:
        if target.exists():
            target.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            f"cannot update {path}: it is not UTF-8 text. Fix or move it, then "
            "run this again."
        ) from None
    except OSError as error:
        raise ConfigError(
            f"cannot read {path} ({error.strerror}): fix its permissions, or give "
            "another file with --env-file, then run this again."
        ) from None
    try:
        descriptor, probe = tempfile.mkstemp(prefix=".env.", dir=target.parent)
        os.close(descriptor)
        os.unlink(probe)
    except OSError as error:
        raise ConfigError(
            f"cannot write {path} ({error.strerror}): fix the folder's "
            "permissions, or give another file with --env-file, then run this again."
        ) from None


def saved_to(path: Path) -> str:
    """Where the credentials went, and whether git ignores that file (checked,
    not assumed: an ``--env-file`` may be anywhere)."""
    root = gitrepo.repo_root(path.parent) if gitrepo.has_git() else None
    if root is None:
        return f"{path} (mode 0600)"
    entry = (path.parent.resolve() / path.name).relative_to(root.resolve())
    if gitrepo.is_ignored(root, entry.as_posix()):
        return f"{path} (mode 0600, git-ignored)"
    return (
        f"{path} (mode 0600), which git does NOT ignore: add it to .gitignore "
        "before your next commit"
    )


def writable_target(path: Path) -> Path:
    """The file to write: ``path``, or the regular file its symlink points to.
    Anything else (a FIFO, a device, a dangling symlink) is refused."""
    if path.is_symlink() and not path.exists():
        raise ConfigError(
            f"{path} is a symlink to nothing: remove it, then run this again."
        )
    if os.path.lexists(path):
        check_regular_file(path)
    return path.resolve()


def updated(text: str, values: Mapping[str, str | None]) -> str:
    """``text`` with ``values`` set: each name's first assignment replaced, its
    repeats dropped, a None value removed, new names appended."""
    bom = BYTE_ORDER_MARK if text.startswith(BYTE_ORDER_MARK) else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    pending = dict(values)
    parts = []
    for binding in parse_stream(io.StringIO(text.removeprefix(bom))):
        original, name = binding.original.string, binding.key
        if name is None or name not in values:
            parts.append(original)
            continue
        body = original.lstrip()
        leading = original[: len(original) - len(body)]
        ending = original[len(original.rstrip("\r\n")) :]
        export = "export " if body.startswith(("export ", "export\t")) else ""
        value = pending.pop(name, None)  # a repeated assignment is dropped
        if value is not None:
            parts.append(leading + export + assignment(name, value) + ending)
        elif leading:
            parts.append(leading)
    new_text = "".join(parts)
    for name, value in pending.items():
        if value is not None:
            if new_text and not new_text.endswith(("\n", "\r")):
                new_text += newline
            new_text += assignment(name, value) + newline
    return bom + new_text


def assignment(name: str, value: str) -> str:
    if PLAIN_VALUE.fullmatch(value):
        return f"{name}={value}"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r")
    return f'{name}="{escaped}"'


def write_private(target: Path, text: str) -> None:
    """Atomically replace the regular file ``target`` with ``text``, mode 0600."""
    # mkstemp creates the file for its owner only (0600), before anything is in it.
    descriptor, temporary = tempfile.mkstemp(
        prefix=".env.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
