"""``run``: the starter bot's scheduled step.

When a post is due, it asks ``bot.next_post`` what to post, posts it and
notes it in ``posted.jsonl``, all under a lock, so that two runs started at
the same moment (a cron overlap, a double trigger) post at most once. After a
crash between X accepting a post and the note being written, the next run
composes the same post, X refuses it as a duplicate, and the run notes it as
posted: no retry, no loop.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import bot
from .credentials import COMMAND, Settings, check_regular_file, project_root
from .errors import ConfigError, DuplicatePostError, one_line
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
    every = bot.EVERY if every is None else every
    settings.credentials()  # missing ones fail here, before the lock and the ledger
    with posting_lock(folder) as locked:
        if not locked:
            return ANOTHER_RUN
        posted_before = noted_posts(folder)
        due_at = when_due(posted_before, every)
        if due_at is not None:
            return not_due(due_at, every)
        text = bot.next_post({entry.text for entry in posted_before}, folder)
        if text is None:
            return f"{NOTHING_TO_POST}; nothing was sent."
        try:
            posted = post(text, settings=settings)
        except DuplicatePostError:
            note(folder, Entry(None, text, now()), "X already has it")
            return DUPLICATE
        note(folder, Entry(posted.id, text, now()), f"posted {posted.id}")
        return f"Posted {posted.id}: {posted.url}"


def preview(settings: Settings, *, every: timedelta | None = None) -> list[str]:
    """What ``run`` would do now, and what X would charge: nothing is sent
    or written. The credentials are checked, as ``post --dry-run`` does."""
    settings.credentials()
    folder = project_root()
    every = bot.EVERY if every is None else every
    posted_before = noted_posts(folder)
    text = bot.next_post({entry.text for entry in posted_before}, folder)
    if text is None:
        return [f"{NOTHING_TO_POST}."]
    check_text(text)
    due_at = when_due(posted_before, every)
    return [
        f"Would post: {one_line(text)}",
        "Due now." if due_at is None else not_due(due_at, every),
        price_line(text),
    ]


def noted_posts(folder: Path) -> list[Entry]:
    """The posts in the ledger; a damaged line is a warning on stderr."""
    entries, problems = read_ledger(folder / LEDGER_FILE)
    for problem in problems:
        print(f"{COMMAND}: warning: {problem}", file=sys.stderr)
    return entries


def when_due(posted_before: list[Entry], every: timedelta) -> datetime | None:
    """When the next post is due, or None when it is due now."""
    last = max((entry.posted_at for entry in posted_before), default=None)
    due_at = next_due(last, every)
    return due_at if due_at is not None and now() < due_at else None


def note(folder: Path, entry: Entry, what: str) -> None:
    """Append ``entry`` to the ledger; one line if the disk refuses."""
    try:
        append_entry(folder / LEDGER_FILE, entry)
    except OSError as error:
        raise ConfigError(
            f"{what}, but could not note it in {LEDGER_FILE} ({error.strerror}): "
            "fix that file; the next run will find X already has the post."
        ) from None


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
    path = folder / LOCK_FILE
    if os.path.lexists(path):  # opening a FIFO would wait for a reader
        check_regular_file(path, "remove it; the next run makes a new one")
    try:
        file = open(path, "a")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise ConfigError(
            f"cannot open {path} ({error.strerror}): remove it, or "
            "fix the folder's permissions."
        ) from None
    with file:
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
