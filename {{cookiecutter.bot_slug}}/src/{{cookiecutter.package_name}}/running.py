"""``run``: the starter bot's scheduled step.

When a post is due, it asks ``bot.next_post`` what to post, posts it and
notes it in ``posted.jsonl``, all under a lock, so that two runs started at
the same moment (a cron overlap, a double trigger) post at most once. After a
crash between X accepting a post and the note being written, the next run
composes the same post, X refuses it as a duplicate, and the run notes it as
posted: no retry, no loop.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import bot
from .credentials import COMMAND, Settings, project_root
from .errors import DuplicatePostError, one_line
from .ledger import LEDGER_FILE, Entry, append_entry, read_ledger
from .posting import check_text, post
from .posts_queue import QUEUE_FILE
from .prices import price_line
from .schedule import next_due

LOCK_FILE = ".posting.lock"
NOTHING_TO_POST = (
    f"Nothing to post: every post in {QUEUE_FILE} is in {LEDGER_FILE} (or "
    "next_post returned nothing)"
)
ANOTHER_RUN = "Another run is posting right now: nothing was sent."
DUPLICATE = (
    "X already has this post (a run that stopped before noting it?): noted it "
    f"in {LEDGER_FILE} without an id; nothing was posted."
)


def run(settings: Settings, *, every: timedelta | None = None) -> str:
    """Post the next post if one is due; return what happened, in one line."""
    folder = project_root()
    with posting_lock(folder) as locked:
        if not locked:
            return ANOTHER_RUN
        text, due_at, every = next_step(folder, every)
        if due_at is not None:
            return not_due(due_at, every)
        if text is None:
            return f"{NOTHING_TO_POST}; nothing was sent."
        ledger = folder / LEDGER_FILE
        try:
            posted = post(text, settings=settings)
        except DuplicatePostError:
            append_entry(ledger, Entry(None, text, now()))
            return DUPLICATE
        append_entry(ledger, Entry(posted.id, text, now()))
        return f"Posted {posted.id}: {posted.url}"


def preview(*, every: timedelta | None = None) -> list[str]:
    """What ``run`` would do now, and what X would charge: nothing is sent
    or written."""
    text, due_at, every = next_step(project_root(), every)
    if text is None:
        return [f"{NOTHING_TO_POST}."]
    check_text(text)
    return [
        f"Would post: {one_line(text)}",
        "Due now." if due_at is None else not_due(due_at, every),
        price_line(text),
    ]


def next_step(
    folder: Path, every: timedelta | None
) -> tuple[str | None, datetime | None, timedelta]:
    """The post to make next, when it is due (None: now), and the period."""
    every = bot.EVERY if every is None else every
    entries, problems = read_ledger(folder / LEDGER_FILE)
    for problem in problems:
        print(f"{COMMAND}: warning: {problem}", file=sys.stderr)
    last = max((entry.posted_at for entry in entries), default=None)
    due_at = next_due(last, every)
    if due_at is not None and now() >= due_at:
        due_at = None
    text = bot.next_post({entry.text for entry in entries}, folder)
    return text, due_at, every


def not_due(due_at: datetime, every: timedelta) -> str:
    return (
        f"Not due: the next post is due on {due_at:%Y-%m-%d at %H:%M} UTC "
        f"(every {described(every)}); nothing was sent."
    )


def described(every: timedelta) -> str:
    """``1 day``, ``6 hours``, ``90 seconds``: the largest whole unit."""
    seconds = int(every.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def now() -> datetime:
    return datetime.now(timezone.utc)


@contextmanager
def posting_lock(folder: Path) -> Iterator[bool]:
    """Hold the bot's lock file while the block runs; False when another
    run holds it. The operating system drops the lock when a run ends, even
    by a crash, so it never needs cleaning up."""
    with open(folder / LOCK_FILE, "a") as file:
        if sys.platform == "win32":
            import msvcrt

            try:
                msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
            except OSError:
                yield False
                return
        else:
            import fcntl

            try:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
        yield True
