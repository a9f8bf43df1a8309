"""``posts.txt``: the posts the starter bot makes, in order.

Posts are separated by a blank line, so a post may span several lines; a
line starting with ``#`` is a comment. Everything else is kept as written.
"""

from __future__ import annotations

import os
from pathlib import Path

from .credentials import check_regular_file
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
    """The posts in ``path``."""
    if not os.path.lexists(path):
        raise InputError(
            f"there is no {path}, which the starter bot posts from: run it in the "
            "bot's folder, or change next_post in bot.py."
        )
    check_regular_file(path, "make it a text file of posts")
    try:
        # utf-8-sig: a byte order mark (Windows editors) is not part of a post.
        return queued_posts(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text: save it as UTF-8.") from None
    except OSError as error:
        raise InputError(f"cannot read {path} ({error.strerror}).") from None
