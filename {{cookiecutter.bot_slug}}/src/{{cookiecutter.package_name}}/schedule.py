"""When a post is due: once in each slot of ``EVERY``.

Slots are counted from 1970-01-01 00:00 UTC: with ``EVERY`` one day, a slot is
a UTC day. A post is due when the last one was made in an earlier slot. So a
daily bot run hourly (GitHub's scheduled runs start late, or are skipped)
posts once a day at about the same hour, the first run of each day, and does
not drift an hour later each time as "24 hours since the last post" would.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .errors import InputError

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
DURATION = re.compile(r"(\d{1,6})([smhd])")


def parse_every(text: str) -> timedelta:
    """``90s``, ``30m``, ``6h``, ``1d``, or ``0`` (every run)."""
    if text.strip() == "0":
        return timedelta(0)
    match = DURATION.fullmatch(text.strip())
    if not match:
        raise InputError(
            f"--every {text!r} is not a duration: give a number and a unit, "
            "such as 90s, 30m, 6h or 1d, or 0 to post on every run."
        )
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def next_due(last_post: datetime | None, every: timedelta) -> datetime | None:
    """When the next post is due, or None when it is due now (no post yet, or
    ``every`` is zero)."""
    if last_post is None or every <= timedelta(0):
        return None
    slot = (last_post - EPOCH) // every
    return EPOCH + (slot + 1) * every
