"""Your bot: what it posts, and how often. This is the file to edit.

``{{ cookiecutter.bot_slug }} run`` asks ``next_post`` for a text when a post is
due (once in each period of ``EVERY``; ``run --dry-run`` asks it at any time),
posts it and notes it in ``posted.jsonl``, so that no post is ever made twice.

Out of the box the bot posts ``posts.txt`` from top to bottom. Replace
``next_post`` with any code that returns what to post: a text (a quote of
the day, a computed fact, a line from a feed), a ``Part`` with pictures
(``Part("Today's chart", [Media(folder / "chart.png", "A line rising…")])``),
a list of texts or parts (a thread), or None for "nothing this time".
``Media`` comes from ``.media``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from pathlib import Path

from .posting import Part
from .posts_queue import QUEUE_FILE, read_queue

EVERY = timedelta(days=1)  # how often to post; `run --every 6h` overrides it


def next_post(posted: Collection[str], folder: Path) -> str | Part | list[Part] | None:
    """What to post next, or None when there is nothing to post.

    ``posted`` holds the texts the bot already posted (each part of a
    thread); ``folder`` is the bot's repository, where ``posts.txt`` is.
    """
    for thread in read_queue(folder / QUEUE_FILE):
        if any(part.text not in posted for part in thread):
            return thread
    return None
