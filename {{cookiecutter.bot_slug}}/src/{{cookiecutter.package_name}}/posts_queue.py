"""``posts.txt``: the posts the starter bot makes, in order.

Posts are separated by a blank line, so a post may span several lines; a
line starting with ``#`` is a comment. Everything else is kept as written.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError

QUEUE_FILE = "posts.txt"


def queued_posts(text: str) -> list[str]:
    """The posts in the text of a queue file."""
    posts, lines = [], []
    for line in [*text.replace("\r\n", "\n").split("\n"), ""]:
        if line.lstrip().startswith("#"):
            continue
        if line.strip():
            lines.append(line.rstrip())
        elif lines:
            posts.append("\n".join(lines))
            lines = []
    return posts


def read_queue(path: Path) -> list[str]:
    """The posts in ``path``; none when it does not exist."""
    if not path.exists():
        return []
    try:
        return queued_posts(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text: save it as UTF-8.") from None
    except OSError as error:
        raise InputError(f"cannot read {path} ({error.strerror}).") from None
