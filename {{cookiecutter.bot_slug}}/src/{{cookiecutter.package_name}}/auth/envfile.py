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

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..errors import ConfigError

ASSIGNMENT = re.compile(r"^\s*(export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
PLAIN_VALUE = re.compile(r"[A-Za-z0-9_.,:/+=@%~-]*")


def update_env_file(path: Path, values: Mapping[str, str | None]) -> None:
    """Set ``values`` in the file at ``path``, keeping every other line.

    A value of None removes that name's line.
    """
    try:
        old_lines = (
            path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        )
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"cannot read {path} ({error.__class__.__name__}), so it was left as "
            "it is: fix or move it, then run this again."
        ) from None

    pending = dict(values)
    new_lines = []
    for line in old_lines:
        match = ASSIGNMENT.match(line)
        if not match or match.group(2) not in values:
            new_lines.append(line)
            continue
        export, name = match.group(1) or "", match.group(2)
        value = pending.pop(name, None)  # a repeated assignment is dropped
        if value is not None:
            new_lines.append(export + assignment(name, value))
    new_lines.extend(
        assignment(name, value) for name, value in pending.items() if value is not None
    )
    try:
        write_private(path, "\n".join(new_lines) + "\n")
    except OSError as error:
        raise ConfigError(
            f"cannot write {path} ({error.strerror or error.__class__.__name__}), "
            "so it was left as it was: check the folder's permissions and free "
            "space, then run this again."
        ) from None


def assignment(name: str, value: str) -> str:
    if PLAIN_VALUE.fullmatch(value):
        return f"{name}={value}"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{name}="{escaped}"'


def write_private(path: Path, text: str) -> None:
    """Atomically replace ``path`` with ``text``, mode 0600."""
    target = path.resolve()  # through a symlink, not over it
    # mkstemp creates the file for its owner only (0600), before anything is in it.
    descriptor, temporary = tempfile.mkstemp(
        prefix=".env.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
