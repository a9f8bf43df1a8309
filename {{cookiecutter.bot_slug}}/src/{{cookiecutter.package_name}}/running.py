"""``run``: the starter bot's scheduled step.

When a post is due, it asks ``bot.next_post`` what to post, posts it and
notes it in ``posted.jsonl``, all under a lock, so that two runs started at
the same moment (a cron overlap, a double trigger) post at most once. After a
crash between X accepting a post and the note being written, the next run
composes the same post, X refuses it as a duplicate, and the run notes it as
posted: no retry, no loop.

A thread is noted part by part. The next run finishes a thread that stopped
half-way, due or not; a part that may be on X (X gave no clear answer) is
never sent again by itself: the owner looks, and mends its line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import bot
from .credentials import COMMAND, Settings, check_regular_file, project_root
from .errors import (
    BotError,
    ConfigError,
    DuplicatePostError,
    InputError,
    MaybePostedError,
    ThreadIncompleteError,
    one_line,
)
from .ledger import LEDGER_FILE, Entry, append_entry, read_ledger
from .posting import Part, Posted, post_thread
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


def run(
    settings: Settings,
    *,
    every: timedelta | None = None,
    report: Callable[[str], None] = print,
    progress: Callable[[str], None] = lambda line: None,
) -> None:
    """Post the next post if one is due; ``report`` each line of what happened.

    A thread is noted part by part as each is posted. A run after one that
    stopped half-way posts the parts not noted yet, due or not, the first
    replying to the last one noted.
    """
    folder = project_root()
    every = bot.EVERY if every is None else every
    settings.credentials()  # missing ones fail here, before the lock and the ledger
    with posting_lock(folder) as locked:
        if not locked:
            report(ANOTHER_RUN)
            return
        posted_before = noted_posts(folder)
        due_at = when_due(posted_before, every)
        if due_at is not None and not thread_unfinished(posted_before):
            report(not_due(due_at, every))
            return
        thread = next_thread(posted_before, folder)
        start, reply_to = resume_point(thread, posted_before)
        if due_at is not None and start == 0:  # nothing to finish after all
            report(not_due(due_at, every))
            return
        if start == len(thread):
            report(f"{NOTHING_TO_POST}; nothing was sent.")
            return
        check_not_posted_before(thread, start, posted_before)

        post_and_note(thread, start, reply_to, folder, settings, report, progress)


def post_and_note(
    thread: list[Part],
    start: int,
    reply_to: str | None,
    folder: Path,
    settings: Settings,
    report: Callable[[str], None],
    progress: Callable[[str], None],
) -> None:
    """Post the thread from part ``start`` on (replying to ``reply_to``),
    noting each part as it is posted, and a part that may be on X."""
    made: list[Posted] = []

    def noted(post_id: str | None, what: str) -> None:
        number = start + len(made)
        part = thread[number]
        replied_to = made[-1].id if made else reply_to
        entry = Entry(post_id, part.text, now(), replied_to, paths_of(part, folder))
        if len(thread) > 1:
            entry = replace(entry, part=number + 1, parts=len(thread))
            if number + 1 < len(thread):
                what += f" (part {number + 1} of {len(thread)}; the rest not yet)"
        note(folder, entry, what)

    def posted(post: Posted) -> None:
        noted(post.id, f"posted {post.id}")
        made.append(post)
        report(f"Posted {post.id}: {post.url}")

    try:
        post_thread(
            thread,
            resume_at=start,
            reply_to=reply_to,
            settings=settings,
            on_posted=posted,
            progress=progress,
        )
    except BotError as error:
        cause = error.cause if isinstance(error, ThreadIncompleteError) else error
        failed = start + len(made) + 1
        if isinstance(cause, DuplicatePostError):
            noted(None, "X already has it")
            if failed < len(thread):
                raise stuck(failed, thread) from None
            report(DUPLICATE)
            return
        if isinstance(cause, MaybePostedError) and len(thread) > 1:
            # Sent again, it could be posted twice: the owner looks.
            noted(None, "it may have been posted")
            raise ThreadIncompleteError(
                f"the thread stopped at part {failed} of {len(thread)}: "
                f"{cause} To go on: {stuck_fix(failed)}",
                error.posted if isinstance(error, ThreadIncompleteError) else [],
                cause,
            ) from None
        if isinstance(error, ThreadIncompleteError):
            raise ThreadIncompleteError(
                f"the thread stopped at part {failed} of {len(thread)}: "
                f"{cause} The parts before it are posted and noted in "
                f"{LEDGER_FILE}; the next run posts the rest.",
                error.posted,
                cause,
            ) from None
        raise


def thread_unfinished(posted_before: list[Entry]) -> bool:
    """Whether the last thread the bot posted is missing parts."""
    last = next((entry for entry in reversed(posted_before) if entry.parts), None)
    return last is not None and last.part < last.parts


def next_thread(posted_before: list[Entry], folder: Path) -> list[Part]:
    """What ``bot.next_post`` returns, as the parts of a thread (one part,
    unless it is a thread); none when it returns None."""
    chosen = bot.next_post({entry.text for entry in posted_before}, folder)
    if chosen is None:
        return []
    items = chosen if isinstance(chosen, list) else [chosen]
    if not all(isinstance(item, (str, Part)) for item in items):
        raise ConfigError(
            f"next_post in bot.py returned {type(chosen).__name__}: return a "
            "text, a Part, a list of them (a thread), or None."
        )
    return [Part(item) if isinstance(item, str) else item for item in items]


def resume_point(
    thread: list[Part], posted_before: list[Entry]
) -> tuple[int, str | None]:
    """How many parts of a thread are noted already, and the id of the last
    one, which the next part replies to.

    A part counts as noted when the ledger has it as that part of a thread
    that long, replying to the part before; and the thread noted must stop
    there, not go on with another part (a thread that starts like one posted
    before is a new thread). A single post is always posted (a custom
    next_post may repeat one; X then refuses it as a duplicate).
    """
    if len(thread) < 2:
        return 0, None
    reply_to = None
    for index, part in enumerate(thread):
        number = index + 1
        entry = next(
            (
                entry
                for entry in reversed(posted_before)
                if (entry.text, entry.part, entry.parts)
                == (part.text, number, len(thread))
                and (index == 0 or entry.reply_to == reply_to)
            ),
            None,
        )
        if entry is None:
            goes_on = any(
                e.part == number and e.reply_to == reply_to for e in posted_before
            )
            return (0, None) if goes_on and index else (index, reply_to)
        if entry.id is None and number < len(thread):
            raise stuck(number, thread)
        reply_to = entry.id
    return len(thread), reply_to


def check_not_posted_before(
    thread: list[Part], start: int, posted_before: list[Entry]
) -> None:
    """Refuse a thread one of whose parts to post repeats a post the bot
    made before: X would refuse it as a duplicate, half-way through."""
    if len(thread) < 2:
        return
    made = {entry.text for entry in posted_before}
    for number, part in enumerate(thread[start:], start + 1):
        if part.text in made:
            raise InputError(
                f"part {number} of the thread starting "
                f"{one_line(thread[0].text)[:40]!r} repeats a post the bot made "
                f"before (it is in {LEDGER_FILE}), and X refuses the same text "
                "twice: change it."
            )


def stuck(number: int, thread: list[Part]) -> ConfigError:
    """Part ``number`` of a thread is noted without an id: the next part
    cannot reply to it."""
    return ConfigError(
        f"part {number} of the thread starting {one_line(thread[0].text)[:40]!r} "
        f"is in {LEDGER_FILE} without an id, and the next part must reply to "
        f"it: {stuck_fix(number)}"
    )


def stuck_fix(number: int) -> str:
    return (
        f"look for part {number} on the bot's profile; if it is there, put its "
        f'id in its line of {LEDGER_FILE} ("id": "..."), and the next run '
        f"posts the rest; if not, delete that line, and the next run posts it "
        f"again; or take the thread out of {QUEUE_FILE}."
    )


def paths_of(part: Part, folder: Path) -> tuple[str, ...]:
    """The part's media files, from the bot's folder where they are in it."""
    paths = []
    for media in part.media:
        path = Path(media.path).absolute()
        try:
            paths.append(path.relative_to(folder).as_posix())
        except ValueError:
            paths.append(str(path))
    return tuple(paths)


def preview(settings: Settings, *, every: timedelta | None = None) -> list[str]:
    """What ``run`` would do now, and what X would charge: nothing is sent
    or written. The credentials are checked, as ``post --dry-run`` does."""
    settings.credentials()
    folder = project_root()
    every = bot.EVERY if every is None else every
    posted_before = noted_posts(folder)
    thread = next_thread(posted_before, folder)
    start, _ = resume_point(thread, posted_before)
    if start == len(thread):
        return [f"{NOTHING_TO_POST}."]
    check_not_posted_before(thread, start, posted_before)
    parts = thread[start:]
    post_thread(thread, resume_at=start, settings=settings, dry_run=True)  # checks
    due_at = when_due(posted_before, every)
    if start:
        due = f"Due now: the rest of a thread, from part {start + 1}."
    else:
        due = "Due now." if due_at is None else not_due(due_at, every)
    return [
        *(f"Would post: {described(part)}" for part in parts),
        due,
        price_line(parts),
    ]


def described(part: Part) -> str:
    """The part's text on one line, and its media by file name."""
    names = ", ".join(Path(media.path).name for media in part.media)
    return one_line(part.text) + (f" [with {one_line(names)}]" if names else "")


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
        f"(every {in_words(every)}); nothing was sent."
    )


def in_words(every: timedelta) -> str:
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
