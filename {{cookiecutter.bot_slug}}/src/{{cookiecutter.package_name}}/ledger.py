"""The bot's memory: ``posted.jsonl``, one JSON object per line per post.

Each line holds the post's ``id`` (None when only X's refusal of a duplicate
vouches for it), its ``text`` and ``posted_at`` (ISO 8601, UTC). A part of a
thread also has ``reply_to`` (the id of the part before), ``part`` and
``parts`` (2 and 3 for the second of three), and a post with media the files'
paths as ``media``. A line is appended whole and flushed to disk before the
bot says it posted. A damaged
line (a hand edit, a crash half-way) is reported with its number and skipped:
the rest of the memory still counts. The file is meant to be committed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .credentials import check_regular_file
from .errors import ConfigError

LEDGER_FILE = "posted.jsonl"


@dataclass(frozen=True)
class Entry:
    """One post the bot made."""

    id: str | None
    text: str
    posted_at: datetime
    reply_to: str | None = None
    media: tuple[str, ...] = ()
    part: int = 0  # its number in a thread of ``parts``; 0 when no thread
    parts: int = 0


def read_ledger(path: Path) -> tuple[list[Entry], list[str]]:
    """The entries in ``path`` (none when it does not exist yet), and one
    problem line for each line that could not be read."""
    if not os.path.lexists(path):
        return [], []
    check_regular_file(path, "make it the file of posts git has, or move it away")
    entries, problems = [], []
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            for number, line in enumerate(file, 1):
                if not line.strip():
                    continue
                entry = parsed(line)
                if entry is None:
                    problems.append(
                        f"{path.name}:{number} is not a post record: skipped"
                    )
                else:
                    entries.append(entry)
    except OSError as error:
        raise ConfigError(f"cannot read {path} ({error.strerror}).") from None
    return entries, problems


def parsed(line: str) -> Entry | None:
    try:
        data = json.loads(line)
        posted_at = datetime.fromisoformat(data["posted_at"])
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    if not isinstance(data.get("text"), str) or posted_at.tzinfo is None:
        return None
    if posted_at.year > 9000:  # no real post; the schedule could not count on
        return None
    post_id, reply_to, media = data.get("id"), data.get("reply_to"), data.get("media")
    part, parts = data.get("part"), data.get("parts")
    in_thread = type(part) is int and type(parts) is int and 0 < part <= parts
    return Entry(
        post_id if isinstance(post_id, str) else None,
        data["text"],
        posted_at,
        reply_to if isinstance(reply_to, str) else None,
        tuple(path for path in media if isinstance(path, str))
        if isinstance(media, list)
        else (),
        part if in_thread else 0,
        parts if in_thread else 0,
    )


def append_entry(path: Path, entry: Entry) -> None:
    """Add ``entry`` as one whole line, on disk before this returns."""
    record: dict[str, object] = {
        "id": entry.id,
        "text": entry.text,
        "posted_at": entry.posted_at.astimezone(timezone.utc).isoformat(),
    }
    if entry.reply_to:
        record["reply_to"] = entry.reply_to
    if entry.media:
        record["media"] = list(entry.media)
    if entry.parts:
        record.update(part=entry.part, parts=entry.parts)
    line = json.dumps(record, ensure_ascii=False)
    with path.open("a+b") as file:
        file.seek(0, os.SEEK_END)
        if file.tell():  # after a line a crash cut short, start a new one
            file.seek(-1, os.SEEK_END)
            if file.read(1) != b"\n":
                file.write(b"\n")
        # A file name that is not UTF-8 (a lone surrogate here) is written
        # as the JSON escape \udcXX, which reads back as it was.
        file.write(line.encode("utf-8", "backslashreplace") + b"\n")
        file.flush()
        os.fsync(file.fileno())
