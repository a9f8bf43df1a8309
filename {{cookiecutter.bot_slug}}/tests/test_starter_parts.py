"""The parts of the starter bot: the queue, the ledger, when a post is due,
and what X charges."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from {{ cookiecutter.package_name }} import (
    InputError,
    Media,
    Part,
)
from {{ cookiecutter.package_name }}.bot import (
    next_post,
)
from {{ cookiecutter.package_name }}.ledger import (
    Entry,
    append_entry,
    read_ledger,
)
from {{ cookiecutter.package_name }}.posts_queue import (
    queued_posts,
)
from {{ cookiecutter.package_name }}.prices import (
    price_line,
)
from {{ cookiecutter.package_name }}.schedule import (
    next_due,
    parse_every,
)

UTC = timezone.utc

# --- posts.txt ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "posts"),
    [
        ("one\n\ntwo\n", ["one", "two"]),
        ("one\nstill one\n\n\n\ntwo", ["one\nstill one", "two"]),
        ("# a comment\none\n# inside a post\nmore\n", ["one\nmore"]),
        ("  indented\n\r\nwindows\r\n", ["  indented", "windows"]),
        ("\n\n# only comments\n\n", []),
        ("", []),
    ],
    ids=["two", "multi-line", "comments", "indent-crlf", "only-comments", "empty"],
)
def test_queue_is_split_at_blank_lines_without_comments(tmp_path, text, posts):
    assert queued_posts(text, tmp_path) == [[Part(post)] for post in posts]


def test_a_line_of_dashes_starts_the_next_part_of_a_thread(tmp_path):
    text = "one\n---\ntwo\nstill two\n---\nthree\n\nalone\n"

    assert queued_posts(text, tmp_path) == [
        [Part("one"), Part("two\nstill two"), Part("three")],
        [Part("alone")],
    ]


@pytest.mark.parametrize(
    ("line", "media"),
    [
        ("![A cat asleep](cat.jpg)", Media("cat.jpg", "A cat asleep")),
        ("  ![](pictures/cat.jpg)  ", Media("pictures/cat.jpg", None)),
        ("![a [bracket]](photo (1).png)", Media("photo (1).png", "a [bracket]")),
    ],
    ids=["alt", "no-alt-in-a-folder", "brackets"],
)
def test_a_markdown_picture_line_attaches_media_from_the_files_folder(
    tmp_path, line, media
):
    [[part]] = queued_posts(f"Look:\n{line}\nnice\n", tmp_path)

    assert part == Part("Look:\nnice", (Media(tmp_path / media.path, media.alt),))


def test_two_pictures_on_one_line_are_not_read_as_one(tmp_path):
    [[part]] = queued_posts("Look\n![a](x.png) ![b](y.png)\n", tmp_path)

    assert part.media == (Media(tmp_path / "x.png) ![b](y.png", "a"),)


def test_the_next_post_is_the_first_not_posted_yet(tmp_path):
    (tmp_path / "posts.txt").write_text("one\n\ntwo\n\nthree\n")

    assert next_post(set(), tmp_path) == [Part("one")]
    assert next_post({"one"}, tmp_path) == [Part("two")]
    assert next_post({"one", "two", "three"}, tmp_path) is None


def test_a_thread_is_next_until_every_part_is_posted(tmp_path):
    (tmp_path / "posts.txt").write_text("one\n---\ntwo\n\nthree\n")

    assert next_post({"one"}, tmp_path) == [Part("one"), Part("two")]
    assert next_post({"one", "two"}, tmp_path) == [Part("three")]


def test_a_queued_picture_post_without_words_is_one_clear_error(tmp_path):
    (tmp_path / "posts.txt").write_text("![A cat](cat.jpg)\n")

    with pytest.raises(InputError, match="the post with cat.jpg has no words"):
        next_post(set(), tmp_path)


def test_a_queue_that_is_not_utf8_is_one_clear_error(tmp_path):
    (tmp_path / "posts.txt").write_bytes(b"caf\xe9\n")

    with pytest.raises(InputError, match="posts.txt is not UTF-8"):
        next_post(set(), tmp_path)


# --- posted.jsonl ------------------------------------------------------------------


def test_entries_are_read_back_as_written(tmp_path):
    ledger = tmp_path / "posted.jsonl"
    first = Entry("1", "one", datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    unknown = Entry(None, "two\nlines ✨", datetime(2026, 11, 28, 9, 0, tzinfo=UTC))

    append_entry(ledger, first)
    append_entry(ledger, unknown)

    assert read_ledger(ledger) == ([first, unknown], [])
    lines = ledger.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["1", None]
    assert json.loads(lines[0])["posted_at"] == "2026-11-27T09:00:00+00:00"


@pytest.mark.parametrize(
    "damage",
    [
        "not json",
        '{"id": "1", "text": "cut short',
        '["a", "list"]',
        '{"id": "1", "posted_at": "2026-11-27T09:00:00+00:00"}',
        '{"id": "1", "text": "x", "posted_at": "yesterday"}',
        '{"id": "1", "text": "x", "posted_at": "2026-11-27T09:00:00"}',
    ],
    ids=["not-json", "cut-short", "list", "no-text", "bad-time", "no-time-zone"],
)
def test_a_damaged_line_is_reported_by_number_and_skipped(tmp_path, damage):
    ledger = tmp_path / "posted.jsonl"
    good = Entry("1", "one", datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    append_entry(ledger, good)
    with ledger.open("a", encoding="utf-8") as file:
        file.write(damage + "\n")

    entries, problems = read_ledger(ledger)

    assert entries == [good]
    assert problems == ["posted.jsonl:2 is not a post record: skipped"]


def test_a_line_cut_short_by_a_crash_does_not_spoil_the_next(tmp_path):
    ledger = tmp_path / "posted.jsonl"
    ledger.write_text('{"id": "1", "text": "cut sh', encoding="utf-8")
    later = Entry("2", "two", datetime(2026, 11, 28, 9, 0, tzinfo=UTC))

    append_entry(ledger, later)

    entries, problems = read_ledger(ledger)
    assert entries == [later]
    assert len(problems) == 1


def test_no_ledger_yet_is_an_empty_memory(tmp_path):
    assert read_ledger(tmp_path / "posted.jsonl") == ([], [])


# --- when a post is due -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "every"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("6h", timedelta(hours=6)),
        ("1d", timedelta(days=1)),
        ("0", timedelta(0)),
    ],
)
def test_durations(text, every):
    assert parse_every(text) == every


@pytest.mark.parametrize("text", ["", "1", "1w", "-1d", "1.5h", "d", "9999999s"])
def test_a_duration_that_is_none_is_one_clear_error(text):
    with pytest.raises(InputError, match="is not a duration"):
        parse_every(text)


def test_a_first_post_is_due_at_once():
    assert next_due(None, timedelta(days=1)) is None


def test_every_run_posts_with_every_zero():
    assert next_due(datetime(2026, 11, 27, 9, tzinfo=UTC), timedelta(0)) is None


def test_a_daily_bot_run_hourly_keeps_its_hour_instead_of_drifting():
    """Scheduled runs start a few minutes late, by a different amount each
    day: the bot still posts once a day, in the first run of each day."""
    every = timedelta(days=1)
    posts = []
    last = None
    for hour in range(24 * 5):
        now = datetime(2026, 11, 27, tzinfo=UTC) + timedelta(
            hours=hour, minutes=hour % 7
        )
        due = next_due(last, every)
        if due is None or now >= due:
            posts.append(now)
            last = now

    assert len(posts) == 5
    assert [post.hour for post in posts] == [0, 0, 0, 0, 0]


# --- prices --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("Hello", "$0.015"),
        ("Read https://example.com today", "$0.200 (it holds a link)"),
    ],
)
def test_the_price_of_a_post_is_said_with_its_date(text, price):
    line = price_line([Part(text)])

    assert f"X charges {price} for this post" in line
    assert "as of 2026-04-20" in line


def test_each_alt_text_adds_to_the_price():
    pictures = (Media("a.png", "A"), Media("b.png", "B"), Media("c.png", "  "))

    assert price_line([Part("Hi", pictures)]).startswith(
        "X charges $0.025 (2 alt texts) for this post"
    )


def test_a_thread_costs_each_of_its_posts():
    thread = [Part("one"), Part("two https://example.com"), Part("three")]

    assert price_line(thread).startswith(
        "X charges $0.230 (1 with a link) for these 3 posts"
    )
