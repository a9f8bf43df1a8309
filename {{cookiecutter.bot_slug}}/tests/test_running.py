"""``run``: the starter bot posts its next post when one is due, notes it in
posted.jsonl, and never posts twice."""

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fake_x import (
    CREATED,
    CREDITS_DEPLETED,
    DESCRIBED,
    DUPLICATE,
    FAKE_CREDENTIALS,
    MEDIA_ID,
    METADATA_URL,
    POST_ID,
    SERVICE_UNAVAILABLE,
    TWEETS_URL,
    UPLOAD_URL,
    UPLOADED,
    created,
)
from helpers import assert_one_error_line, run_cli, write_media

from {{ cookiecutter.package_name }} import (
    Media,
    Part,
    cli,
    running,
)

QUEUE = "# the queue\nFirst post.\n\nSecond post,\non two lines.\n"


@pytest.fixture
def queue(tmp_path):
    (tmp_path / "posts.txt").write_text(QUEUE, encoding="utf-8")
    return tmp_path


def ledger_lines(folder):
    path = folder / "posted.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def x_accepts(x_api):
    x_api.post(TWEETS_URL, json=CREATED, status=201)


def test_the_first_run_posts_the_first_post_and_notes_it(
    capsys, queue, credentials_in_env, x_api
):
    x_accepts(x_api)

    exit_code, out, err = run_cli(capsys, "run")

    assert (exit_code, err) == (0, "")
    assert out == f"Posted {POST_ID}: https://x.com/i/status/{POST_ID}\n"
    assert len(x_api.calls) == 1
    assert json.loads(x_api.calls[0].request.body) == {"text": "First post."}
    [noted] = ledger_lines(queue)
    assert (noted["id"], noted["text"]) == (POST_ID, "First post.")
    assert noted["posted_at"].endswith("+00:00")


def test_a_second_run_is_not_due_and_sends_nothing(
    capsys, queue, credentials_in_env, x_api
):
    x_accepts(x_api)
    run_cli(capsys, "run")

    exit_code, out, _ = run_cli(capsys, "run")

    assert exit_code == 0
    assert out.startswith("Not due: the next post is due on ")
    assert "(every 1 day); nothing was sent." in out
    assert len(x_api.calls) == 1


def test_every_zero_posts_the_next_one_and_then_nothing_is_left(
    capsys, queue, credentials_in_env, x_api
):
    x_accepts(x_api)
    x_accepts(x_api)
    run_cli(capsys, "run")

    run_cli(capsys, "run", "--every", "0")
    exit_code, out, _ = run_cli(capsys, "run", "--every", "0")

    assert [noted["text"] for noted in ledger_lines(queue)] == [
        "First post.",
        "Second post,\non two lines.",
    ]
    assert exit_code == 0
    assert out.startswith("Nothing to post: every post in posts.txt is in posted")
    assert len(x_api.calls) == 2


def test_a_post_x_already_has_is_noted_without_an_id_and_not_retried(
    capsys, queue, credentials_in_env, x_api
):
    """A run that crashed after X accepted the post, before noting it."""
    x_api.post(TWEETS_URL, json=DUPLICATE, status=403)

    exit_code, out, err = run_cli(capsys, "run")

    assert (exit_code, err) == (0, "")
    assert out.startswith("X already has this post")
    assert len(x_api.calls) == 1
    [noted] = ledger_lines(queue)
    assert (noted["id"], noted["text"]) == (None, "First post.")


def test_dry_run_says_what_when_and_the_price_and_changes_nothing(
    capsys, queue, credentials_in_env, x_api
):
    exit_code, out, _ = run_cli(capsys, "run", "--dry-run")

    assert exit_code == 0
    assert out.splitlines() == [
        "Would post: First post.",
        "Due now.",
        "X charges $0.015 for this post (X's prices as of 2026-04-20).",
    ]
    assert len(x_api.calls) == 0
    assert not (queue / "posted.jsonl").exists()


def test_post_dry_run_gives_the_price_with_a_link(capsys, credentials_in_env, x_api):
    _, out, _ = run_cli(capsys, "post", "--dry-run", "See https://example.com")

    assert "X charges $0.200 (it holds a link) for this post" in out


def test_a_damaged_ledger_line_is_reported_and_skipped(
    capsys, queue, credentials_in_env, x_api
):
    (queue / "posted.jsonl").write_text("not a record\n", encoding="utf-8")
    x_accepts(x_api)

    exit_code, out, err = run_cli(capsys, "run")

    assert exit_code == 0
    assert out.startswith("Posted ")
    assert "posted.jsonl:1 is not a post record: skipped" in err


@pytest.mark.parametrize("args", [["run"], ["run", "--dry-run"]])
def test_run_without_credentials_exits_2_and_sends_nothing(capsys, queue, x_api, args):
    exit_code, _, err = run_cli(capsys, *args)

    assert exit_code == 2
    assert "missing TWITTER_CONSUMER_KEY" in err
    assert len(x_api.calls) == 0


@pytest.mark.parametrize("kind", ["folder", "fifo"])
@pytest.mark.parametrize("name", ["posts.txt", "posted.jsonl", ".posting.lock"])
def test_a_file_of_the_bot_that_is_not_a_file_exits_2_with_one_line(
    capsys, queue, credentials_in_env, x_api, name, kind
):
    path = queue / name
    path.unlink(missing_ok=True)
    if kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)

    exit_code, _, err = run_cli(capsys, "run")

    assert exit_code == 2, err
    assert err.count("\n") == 1
    assert len(x_api.calls) == 0


def test_no_posts_txt_says_where_it_was_looked_for(capsys, credentials_in_env, x_api):
    exit_code, _, err = run_cli(capsys, "run")

    assert exit_code == 2
    assert "there is no" in err and "posts.txt" in err


def test_posts_txt_saved_with_a_byte_order_mark_posts_its_first_post(
    capsys, queue, credentials_in_env, x_api
):
    (queue / "posts.txt").write_bytes("\ufeff# header\nFirst post.\n".encode())
    x_accepts(x_api)

    run_cli(capsys, "run")

    assert json.loads(x_api.calls[0].request.body) == {"text": "First post."}


def test_a_post_noted_in_a_ledger_that_cannot_be_written_says_so(
    capsys, queue, credentials_in_env, x_api, monkeypatch
):
    x_accepts(x_api)

    def disk_full(path, entry):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(running, "append_entry", disk_full)

    exit_code, _, err = run_cli(capsys, "run")

    assert exit_code == 2
    assert f"posted {POST_ID}, but could not note it in posted.jsonl" in err
    assert len(x_api.calls) == 1


@pytest.mark.parametrize("every", ["1w", "soon", "1.5h"])
def test_a_bad_every_exits_2_with_one_line(capsys, queue, every):
    exit_code, _, err = run_cli(capsys, "run", "--every", every)

    assert exit_code == 2
    assert err.count("\n") == 1


# --- Threads and pictures in posts.txt -------------------------------------------

THREAD = "A thread:\n---\ntwo\n---\nthree\n\nAfter the thread.\n"
IDS = ["2033632169034125426", "2033632169034125427", "2033632169034125428"]


def test_a_queued_thread_is_posted_in_one_run_and_noted_part_by_part(
    capsys, tmp_path, credentials_in_env, x_api
):
    (tmp_path / "posts.txt").write_text(THREAD, encoding="utf-8")
    for post_id in IDS:
        x_api.post(TWEETS_URL, json=created(post_id), status=201)

    exit_code, out, err = run_cli(capsys, "run")

    assert (exit_code, err) == (0, "")
    assert [line.split(":")[0] for line in out.splitlines()] == [
        f"Posted {post_id}" for post_id in IDS
    ]
    noted = ledger_lines(tmp_path)
    assert [(line["id"], line["text"]) for line in noted] == list(
        zip(IDS, ["A thread:", "two", "three"], strict=True)
    )
    assert [line.get("reply_to") for line in noted] == [None, *IDS[:2]]


def test_a_thread_that_stopped_half_way_goes_on_where_it_stopped(
    capsys, tmp_path, credentials_in_env, x_api
):
    (tmp_path / "posts.txt").write_text(THREAD, encoding="utf-8")
    x_api.post(TWEETS_URL, json=created(IDS[0]), status=201)
    x_api.post(TWEETS_URL, json=CREDITS_DEPLETED, status=402)
    exit_code, _, err = run_cli(capsys, "run")
    assert exit_code == 1
    assert "the thread stopped at part 2 of 3: X refused (402 Payment Required)" in err
    assert "the next run posts the rest" in err
    assert "--reply-to" not in err
    x_api.post(TWEETS_URL, json=created(IDS[1]), status=201)
    x_api.post(TWEETS_URL, json=created(IDS[2]), status=201)

    exit_code, out, err = run_cli(capsys, "run")  # not due, but half a thread is on X

    assert (exit_code, err) == (0, "")
    sent = [json.loads(call.request.body) for call in x_api.calls[2:]]
    assert sent == [
        {"text": "two", "reply": {"in_reply_to_tweet_id": IDS[0]}},
        {"text": "three", "reply": {"in_reply_to_tweet_id": IDS[1]}},
    ]
    noted = ledger_lines(tmp_path)
    assert [line["text"] for line in noted] == ["A thread:", "two", "three"]
    assert [(line["part"], line["parts"]) for line in noted] == [(1, 3), (2, 3), (3, 3)]
    exit_code, out, _ = run_cli(capsys, "run")  # the thread is whole: not due
    assert out.startswith("Not due")


def test_a_thread_part_x_already_has_stops_the_thread_and_says_how_to_mend_it(
    capsys, tmp_path, credentials_in_env, x_api
):
    (tmp_path / "posts.txt").write_text(THREAD, encoding="utf-8")
    x_api.post(TWEETS_URL, json=created(IDS[0]), status=201)
    x_api.post(TWEETS_URL, json=DUPLICATE, status=403)

    first = run_cli(capsys, "run")
    second = run_cli(capsys, "run", "--every", "0")

    for exit_code, _, err in (first, second):
        assert exit_code == 2
        assert (
            "part 2 of the thread starting 'A thread:' is in posted.jsonl without an id"
            in err
        )
    assert len(x_api.calls) == 2
    assert [line["id"] for line in ledger_lines(tmp_path)] == [IDS[0], None]


def test_a_queued_picture_is_uploaded_described_and_noted(
    capsys, tmp_path, credentials_in_env, x_api
):
    write_media(tmp_path / "pictures" / "cat.png", "png")
    (tmp_path / "posts.txt").write_text(
        "Photo of the day\n![A cat asleep](pictures/cat.png)\n", encoding="utf-8"
    )
    x_api.post(UPLOAD_URL, json=UPLOADED)
    x_api.post(METADATA_URL, json=DESCRIBED)
    x_accepts(x_api)

    exit_code, _, err = run_cli(capsys, "run")

    assert (exit_code, err) == (0, "")
    [noted] = ledger_lines(tmp_path)
    assert noted["media"] == ["pictures/cat.png"]
    assert json.loads(x_api.calls[-1].request.body)["media"] == {
        "media_ids": [MEDIA_ID]
    }


def test_dry_run_of_a_queued_thread_with_a_picture(
    capsys, tmp_path, credentials_in_env, x_api
):
    write_media(tmp_path / "cat.png", "png")
    (tmp_path / "posts.txt").write_text(
        "Look\n![A cat](cat.png)\n---\nthe end\n", encoding="utf-8"
    )

    exit_code, out, _ = run_cli(capsys, "run", "--dry-run")

    assert exit_code == 0
    assert out.splitlines() == [
        "Would post: Look [with cat.png]",
        "Would post: the end",
        "Due now.",
        "X charges $0.035 (1 alt text) for these 2 posts (X's prices as of 2026-04-20).",
    ]
    assert len(x_api.calls) == 0


@pytest.mark.parametrize("chosen", [42, ("a", "b"), ["a", 7], b"bytes"])
def test_a_next_post_that_returns_no_post_is_one_line(
    capsys, queue, credentials_in_env, x_api, monkeypatch, chosen
):
    monkeypatch.setattr(running.bot, "next_post", lambda posted, folder: chosen)

    exit_code, _, err = run_cli(capsys, "run")

    assert exit_code == 2
    assert_one_error_line(err)
    assert "next_post in bot.py returned" in err
    assert len(x_api.calls) == 0


def test_a_thread_part_that_may_be_on_x_is_never_sent_again_by_itself(
    capsys, tmp_path, credentials_in_env, x_api
):
    (tmp_path / "posts.txt").write_text(THREAD, encoding="utf-8")
    x_api.post(TWEETS_URL, json=created(IDS[0]), status=201)
    x_api.post(TWEETS_URL, json=SERVICE_UNAVAILABLE, status=503)

    first = run_cli(capsys, "run")
    second = run_cli(capsys, "run")

    assert first[0] == 1
    assert "the post may have been made" in first[2]
    assert second[0] == 2
    for _, _, err in (first, second):
        assert_one_error_line(err)
        assert "look for part 2 on the bot's profile; if it is there, put its id" in err
    assert len(x_api.calls) == 2
    assert [(line["id"], line["part"]) for line in ledger_lines(tmp_path)] == [
        (IDS[0], 1),
        (None, 2),
    ]


def test_a_new_thread_starting_like_a_finished_one_is_not_its_rest(
    capsys, tmp_path, credentials_in_env, x_api
):
    """Fixing the last part of a posted thread must not reply to the old one."""
    (tmp_path / "posts.txt").write_text("Tips:\n---\nDrink water\n", encoding="utf-8")
    x_api.post(TWEETS_URL, json=created(IDS[0]), status=201)
    x_api.post(TWEETS_URL, json=created(IDS[1]), status=201)
    run_cli(capsys, "run")
    (tmp_path / "posts.txt").write_text(
        "Tips:\n---\nDrink more water\n", encoding="utf-8"
    )

    exit_code, _, err = run_cli(capsys, "run", "--every", "0")

    assert exit_code == 2
    assert "part 1 of the thread starting 'Tips:' repeats a post" in err
    assert len(x_api.calls) == 2


def test_finishing_a_thread_names_its_parts_as_in_the_whole_thread(
    capsys, tmp_path, credentials_in_env, x_api
):
    (tmp_path / "posts.txt").write_text(
        "A thread:\n---\ntwo\n---\nthree\n![A cat](cat.png)\n", encoding="utf-8"
    )
    write_media(tmp_path / "cat.png", "png")
    x_api.post(TWEETS_URL, json=created(IDS[0]), status=201)
    x_api.post(TWEETS_URL, json=CREDITS_DEPLETED, status=402)
    run_cli(capsys, "run")
    (tmp_path / "cat.png").unlink()

    exit_code, _, err = run_cli(capsys, "run")

    assert exit_code == 2
    assert "part 3 of 3: " in err and "cat.png does not exist" in err


def test_a_thread_repeating_an_earlier_post_is_refused_before_anything_is_sent(
    capsys, tmp_path, credentials_in_env, x_api
):
    """Else X would refuse that part as a duplicate, half-way through."""
    (tmp_path / "posts.txt").write_text(
        "two\n\nA thread:\n---\ntwo\n---\nthree\n", encoding="utf-8"
    )
    x_accepts(x_api)
    run_cli(capsys, "run")

    exit_code, _, err = run_cli(capsys, "run", "--every", "0")

    assert exit_code == 2
    assert_one_error_line(err)
    assert "part 2 of the thread starting 'A thread:' repeats a post" in err
    assert len(x_api.calls) == 1


def test_a_thread_starting_like_an_earlier_post_never_replies_to_it(
    capsys, tmp_path, credentials_in_env, x_api
):
    (tmp_path / "posts.txt").write_text(
        "Hello there\n\nHello there\n---\nsecond\n", encoding="utf-8"
    )
    (tmp_path / "posted.jsonl").write_text(
        json.dumps(
            {
                "id": IDS[0],
                "text": "Hello there",
                "posted_at": "2026-01-01T00:00:00+00:00",
            }
        )
        + "\n",
        encoding="utf-8",
    )

    exit_code, _, err = run_cli(capsys, "run")

    assert exit_code == 2
    assert "part 1 of the thread starting 'Hello there' repeats a post" in err
    assert len(x_api.calls) == 0


def test_a_media_path_that_is_not_utf8_is_noted_and_read_back(
    capsys, tmp_path, credentials_in_env, x_api, monkeypatch
):
    picture = write_media(tmp_path / os.fsdecode(b"caf\xe9.png"), "png")
    monkeypatch.setattr(
        running.bot,
        "next_post",
        lambda posted, folder: Part("Hi", [Media(picture, "A")]),
    )
    x_api.post(UPLOAD_URL, json=UPLOADED)
    x_api.post(METADATA_URL, json=DESCRIBED)
    x_accepts(x_api)

    exit_code, out, err = run_cli(capsys, "run")

    assert (exit_code, err) == (0, "")
    assert out.startswith(f"Posted {POST_ID}")
    [noted] = ledger_lines(tmp_path)
    assert noted["media"] == [os.fsdecode(b"caf\xe9.png")]


def test_dry_run_shows_file_names_without_control_characters(
    capsys, tmp_path, credentials_in_env, x_api
):
    write_media(tmp_path / "e\x1b[2Jx.png", "png")
    (tmp_path / "posts.txt").write_text(
        "Look\n![A pixel](e\x1b[2Jx.png)\n", encoding="utf-8"
    )

    exit_code, out, _ = run_cli(capsys, "run", "--dry-run")

    assert exit_code == 0
    assert "\x1b" not in out
    assert "Would post: Look [with e [2Jx.png]" in out


class SlowX(BaseHTTPRequestHandler):
    """Accepts each post after a pause, counting them."""

    posts = 0

    def do_POST(self):  # noqa: N802 (the name http.server calls)
        type(self).posts += 1
        self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(0.5)
        body = json.dumps(CREATED).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_two_runs_at_the_same_moment_post_once(queue):
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowX)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    environment = {**FAKE_CREDENTIALS, "TWITTER_API_BASE_URL": root, "PATH": ""}
    command = [sys.executable, "-m", cli.__package__, "run", "--every", "0"]
    try:
        runs = [
            subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
                command, cwd=queue, env=environment, stdout=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        outputs = sorted(run.communicate(timeout=60)[0] for run in runs)
    finally:
        server.shutdown()

    assert SlowX.posts == 1
    assert len(ledger_lines(queue)) == 1
    assert outputs[0].startswith("Another run is posting right now")
    assert outputs[1].startswith(f"Posted {POST_ID}: ")
