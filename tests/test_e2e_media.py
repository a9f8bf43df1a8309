"""A generated bot posts pictures, GIFs and threads to the sandbox, which
checks every signature against the URL requested, as X does.

Each test looks at what the bot printed, the requests the sandbox saw (its
log, in order) and what the sandbox holds afterwards.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BakeWithoutAuthorizing
from helpers import clean_environ, project_of, run

from sandbox import Sandbox

# A real 1×1 PNG and a real two-frame GIF, and the start of an MP4 file.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
    b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xdf\xc3\x00\x00\x04\x19"
    b"\x01\x8c\xefA\xbc#\x00\x00\x00\x00IEND\xaeB`\x82"
)
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xff\x0bNETSCAPE2.0"
    b"\x03\x01\x00\x00\x00!\xf9\x04\x00(\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00"
    b"\x00\x08\x04\x00\x01\x04\x04\x00;"
)
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08free"
POSTED = re.compile(r"Posted (\d+): http://127\.0\.0\.1:\d+/i/status/\1")


@pytest.fixture
def bot(
    cookies: BakeWithoutAuthorizing, strict_sandbox: Sandbox, tmp_path: Path
) -> Path:
    """A generated bot whose .env holds a sandbox account's credentials."""
    project = project_of(cookies.bake(extra_context={"bot_name": "Acme Bot"}))
    token, secret = strict_sandbox.issue_token("acme_bot")
    env_file = project / ".env"
    env_file.write_text(
        f"TWITTER_CONSUMER_KEY={strict_sandbox.consumer_key}\n"
        f"TWITTER_CONSUMER_SECRET={strict_sandbox.consumer_secret}\n"
        f"TWITTER_ACCESS_TOKEN={token}\n"
        f"TWITTER_ACCESS_TOKEN_SECRET={secret}\n"
        f"TWITTER_API_BASE_URL={strict_sandbox.base_url}\n"
    )
    env_file.chmod(0o600)
    strict_sandbox.processing_seconds = 0.5
    return project


def run_bot(
    project: Path, sandbox: Sandbox, *arguments: str
) -> tuple[subprocess.CompletedProcess[str], list[tuple[str, str]]]:
    """Run the bot's command; return what it did and the requests it sent."""
    before = len(sandbox.requests)
    result = run(
        [sys.executable, "-m", "acme_bot", *arguments],
        cwd=project,
        env=clean_environ(PYTHONPATH=str(project / "src")),
        timeout=120,
    )
    return result, sandbox.requests[before:]


def test_a_picture_with_alt_text_is_upload_metadata_post(
    bot: Path, strict_sandbox: Sandbox
) -> None:
    (bot / "cat.png").write_bytes(PNG)

    result, sent = run_bot(
        bot, strict_sandbox, "post", "Photo of the day",
        "--media", "cat.png", "--alt", "An orange square, one pixel wide",
    )  # fmt: skip

    assert (result.returncode, result.stderr) == (0, "")
    assert POSTED.fullmatch(result.stdout.strip())
    assert sent == [
        ("POST", "/2/media/upload"),
        ("POST", "/2/media/metadata"),
        ("POST", "/2/tweets"),
    ]
    [posted] = strict_sandbox.posts
    assert posted["text"] == "Photo of the day"
    assert [(m["type"], m["alt_text"]) for m in posted["media"]] == [
        ("photo", "An orange square, one pixel wide")
    ]


def test_a_gif_goes_through_the_chunked_upload_and_processing(
    bot: Path, strict_sandbox: Sandbox
) -> None:
    (bot / "dance.gif").write_bytes(GIF)

    result, sent = run_bot(
        bot, strict_sandbox, "post", "Dance!",
        "--media", "dance.gif", "--alt", "Two frames, blinking",
    )  # fmt: skip

    assert (result.returncode, result.stderr) == (0, "")
    assert sent[:3] == [
        ("POST", "/2/media/upload/initialize"),
        (("POST", sent[1][1])),
        (("POST", sent[2][1])),
    ]
    assert re.fullmatch(r"/2/media/upload/\d+/append", sent[1][1])
    assert re.fullmatch(r"/2/media/upload/\d+/finalize", sent[2][1])
    polls = sent[3:-2]
    assert polls and set(polls) == {("GET", "/2/media/upload")}
    assert sent[-2:] == [("POST", "/2/media/metadata"), ("POST", "/2/tweets")]
    [posted] = strict_sandbox.posts
    assert [(m["type"], m["alt_text"]) for m in posted["media"]] == [
        ("animated_gif", "Two frames, blinking")
    ]


def test_a_three_part_thread_replies_in_order(
    bot: Path, strict_sandbox: Sandbox
) -> None:
    result, sent = run_bot(bot, strict_sandbox, "post", "one 🧵", "two", "three")

    assert (result.returncode, result.stderr) == (0, "")
    assert len(result.stdout.splitlines()) == 3
    assert sent == [("POST", "/2/tweets")] * 3
    posts = strict_sandbox.posts
    assert [post["text"] for post in posts] == ["one 🧵", "two", "three"]
    assert [post["in_reply_to"] for post in posts] == [
        None,
        posts[0]["id"],
        posts[1]["id"],
    ]


def test_refusals_are_one_line(bot: Path, strict_sandbox: Sandbox) -> None:
    (bot / "clip.mp4").write_bytes(MP4)
    (bot / "cat.png").write_bytes(PNG)
    strict_sandbox.fail_next_processing("Unsupported video format")

    failed, sent = run_bot(bot, strict_sandbox, "post", "A clip", "--video", "clip.mp4")
    no_alt, no_alt_sent = run_bot(
        bot, strict_sandbox, "post", "Hi", "--media", "cat.png"
    )
    strict_sandbox.fail_next_upload(402)
    broke, _ = run_bot(
        bot, strict_sandbox, "post", "Hi", "--media", "cat.png", "--no-alt"
    )

    assert failed.returncode == 1
    assert "X could not process clip.mp4: Unsupported video format" in failed.stderr
    assert ("POST", "/2/tweets") not in sent
    assert no_alt.returncode == 2 and no_alt_sent == []
    assert "cat.png has no alt text" in no_alt.stderr
    assert broke.returncode == 1
    assert "credits are used up" in broke.stderr
    for result in (failed, no_alt, broke):
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert strict_sandbox.posts == []


def test_a_reply_to_another_accounts_post_is_refused_in_words(
    bot: Path, strict_sandbox: Sandbox
) -> None:
    someone = strict_sandbox.post_as("someone", "Nice weather today")

    refused, _ = run_bot(bot, strict_sandbox, "post", "--reply-to", someone, "Indeed!")
    strict_sandbox.summoned_replies_only = False
    allowed, _ = run_bot(bot, strict_sandbox, "post", "--reply-to", someone, "Indeed!")

    assert refused.returncode == 1
    assert "only when its author summoned the bot" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr
    assert strict_sandbox.posts[-1]["in_reply_to"] == someone


def test_run_posts_a_queued_picture_and_a_thread(
    bot: Path, strict_sandbox: Sandbox
) -> None:
    (bot / "pictures").mkdir()
    (bot / "pictures" / "cat.png").write_bytes(PNG)
    (bot / "posts.txt").write_text(
        "Photo of the day\n![An orange square](pictures/cat.png)\n\n"
        "A thread:\n---\ntwo\n---\nthree\n",
        encoding="utf-8",
    )

    first, first_sent = run_bot(bot, strict_sandbox, "run")
    second, second_sent = run_bot(bot, strict_sandbox, "run", "--every", "0")

    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert first_sent == [
        ("POST", "/2/media/upload"),
        ("POST", "/2/media/metadata"),
        ("POST", "/2/tweets"),
    ]
    assert second_sent == [("POST", "/2/tweets")] * 3
    posts = strict_sandbox.posts
    assert [post["in_reply_to"] for post in posts[1:]] == [
        None,
        posts[1]["id"],
        posts[2]["id"],
    ]
    ledger = (bot / "posted.jsonl").read_text().splitlines()
    assert len(ledger) == 4
    assert '"media": ["pictures/cat.png"]' in ledger[0]
