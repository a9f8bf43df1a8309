"""``posts.txt``: the posts the starter bot makes, in order.

Posts are separated by a blank line, so a post may span several lines; a
line starting with ``#`` is a comment. Within a post:

- a line ``![alt text](path)`` attaches a picture, GIF or video (the path
  taken from the file's folder), with the words a reader who cannot see it
  hears instead;
- a line ``---`` starts the next part of a thread.

Everything else is kept as written. ``post --file`` reads the same format:
there, every part of every post in the file is a part of one thread.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .credentials import check_regular_file
from .errors import InputError
from .media import Media
from .posting import Part

QUEUE_FILE = "posts.txt"
# ![alt text](path): the alt text ends at the first "](" (it may hold
# brackets), the path at the line's last ")" (it may hold parentheses).
MEDIA_LINE = re.compile(r"!\[(?P<alt>(?:(?!\]\().)*)\]\((?P<path>.+)\)")
NEXT_PART = "---"


def queued_posts(text: str, folder: Path) -> list[list[Part]]:
    """The posts in the text of a queue file, each a list of its parts (one,
    unless it is a thread)."""
    posts: list[list[Part]] = []
    lines: list[str] = []
    for line in [*text.replace("\r\n", "\n").split("\n"), ""]:
        if line.lstrip().startswith("#"):
            continue
        if line.strip():
            lines.append(line.rstrip())
        elif lines:
            posts.append(parts_of(lines, folder))
            lines = []
    return posts


def parts_of(lines: list[str], folder: Path) -> list[Part]:
    """The parts of one post, split at ``---`` lines."""
    parts: list[Part] = []
    text: list[str] = []
    media: list[Media] = []
    for line in [*lines, NEXT_PART]:
        attached = MEDIA_LINE.fullmatch(line.strip())
        if line.strip() == NEXT_PART:
            parts.append(Part("\n".join(text), tuple(media)))
            text, media = [], []
        elif attached:
            media.append(Media(folder / attached["path"], attached["alt"] or None))
        else:
            text.append(line)
    return parts


def read_queue(path: Path) -> list[list[Part]]:
    """The posts in ``path``. Each part needs words: the bot tells the posts
    it made apart by their words."""
    missing = (
        f"there is no {path}, which the starter bot posts from: run it in the "
        "bot's folder, or change next_post in bot.py."
    )
    posts = queued_posts(read_posts_file(path, missing), path.parent)
    for thread in posts:
        for part in thread:
            if part.media and not part.text.strip():
                raise InputError(
                    f"{path}: the post with {Path(part.media[0].path).name} has "
                    "no words; give it some (the bot tells its posts apart by "
                    "their words)."
                )
    return posts


def read_thread(path: Path) -> list[Part]:
    """The parts of a thread in ``path``: every part of every post in it."""
    text = read_posts_file(path, f"there is no {path}: check the path.")
    return [part for thread in queued_posts(text, path.parent) for part in thread]


def read_posts_file(path: Path, missing: str) -> str:
    """The text of a file of posts; InputError(``missing``) if there is none."""
    if not os.path.lexists(path):
        raise InputError(missing)
    check_regular_file(path, "make it a text file of posts")
    try:
        # utf-8-sig: a byte order mark (Windows editors) is not part of a post.
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text: save it as UTF-8.") from None
    except OSError as error:
        raise InputError(f"cannot read {path} ({error.strerror}).") from None
