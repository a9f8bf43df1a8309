"""Threads: several texts, each a reply to the one before. When a part
fails, the parts already posted stay, and the user learns which they are."""

import json
from pathlib import Path

import pytest
from fake_x import (
    DESCRIBED,
    DUPLICATE,
    MEDIA_ID,
    METADATA_URL,
    NOT_SUMMONED,
    SERVICE_UNAVAILABLE,
    TWEETS_URL,
    UPLOAD_URL,
    UPLOADED,
    created,
)
from helpers import assert_one_error_line, run_cli, write_media

from {{ cookiecutter.package_name }} import (
    DuplicatePostError,
    InputError,
    Media,
    Part,
    Posted,
    ThreadIncompleteError,
    post_thread,
)
from {{ cookiecutter.package_name }}.client import (
    Client,
)
from {{ cookiecutter.package_name }}.credentials import (
    COMMAND,
)

IDS = ["2033632169034125426", "2033632169034125427", "2033632169034125428"]


def x_accepts(x_api, *ids):
    for post_id in ids:
        x_api.post(TWEETS_URL, json=created(post_id), status=201)


def bodies(x_api):
    return [
        json.loads(call.request.body)
        for call in x_api.calls
        if call.request.url == TWEETS_URL
    ]


def test_several_texts_post_a_thread_each_replying_to_the_one_before(
    capsys, credentials_in_env, x_api
):
    x_accepts(x_api, *IDS)

    exit_code, out, err = run_cli(capsys, "post", "one", "two", "three")

    assert (exit_code, err) == (0, "")
    assert out.splitlines() == [
        f"Posted {post_id}: https://x.com/i/status/{post_id}" for post_id in IDS
    ]
    assert bodies(x_api) == [
        {"text": "one"},
        {"text": "two", "reply": {"in_reply_to_tweet_id": IDS[0]}},
        {"text": "three", "reply": {"in_reply_to_tweet_id": IDS[1]}},
    ]


def test_a_failed_part_leaves_the_posted_ones_and_says_which_they_are(
    capsys, credentials_in_env, x_api
):
    x_accepts(x_api, IDS[0])
    x_api.post(TWEETS_URL, json=DUPLICATE, status=403)

    exit_code, out, err = run_cli(capsys, "post", "one", "two", "three")

    assert exit_code == 1
    assert out == f"Posted {IDS[0]}: https://x.com/i/status/{IDS[0]}\n"
    assert_one_error_line(err)
    assert "the thread stopped at part 2 of 3" in err
    assert "duplicate" in err
    assert "Not posted: parts 2-3" in err
    assert f"part 1 (https://x.com/i/status/{IDS[0]})" in err
    assert f"post --reply-to {IDS[0]} " in err
    assert len(x_api.calls) == 2  # nothing after the failed part, no retry


def test_a_part_without_an_answer_may_have_been_made(capsys, credentials_in_env, x_api):
    x_accepts(x_api, IDS[0])
    x_api.post(TWEETS_URL, json=SERVICE_UNAVAILABLE, status=503)

    exit_code, _, err = run_cli(capsys, "post", "one", "two", "three")

    assert exit_code == 1
    assert "the post may have been made" in err
    assert "Part 2 may be on X: look at the bot's profile. Not posted: part 3." in err
    assert "--reply-to <id of the last part on X>" in err
    assert len(x_api.calls) == 2


def test_the_python_api_gives_the_posted_parts_with_the_error(
    credentials_in_env, x_api
):
    x_accepts(x_api, IDS[0], IDS[1])
    x_api.post(TWEETS_URL, json=DUPLICATE, status=403)

    with pytest.raises(ThreadIncompleteError) as caught:
        post_thread(["one", "two", "three"])

    assert [posted.id for posted in caught.value.posted] == IDS[:2]
    assert isinstance(caught.value.cause, DuplicatePostError)
    assert caught.value.exit_code == 1


def test_a_first_part_that_fails_is_that_error_itself(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=DUPLICATE, status=403)

    with pytest.raises(DuplicatePostError):
        post_thread(["one", "two"])


def test_every_part_is_checked_before_the_first_is_sent(
    capsys, credentials_in_env, x_api
):
    exit_code, _, err = run_cli(capsys, "post", "one", "x" * 300, "three")

    assert exit_code == 2
    assert "too long" in err
    assert len(x_api.calls) == 0


def test_media_goes_with_the_first_part(capsys, credentials_in_env, x_api):
    write_media("cat.png", "png")
    x_api.post(UPLOAD_URL, json=UPLOADED)
    x_api.post(METADATA_URL, json=DESCRIBED)
    x_accepts(x_api, *IDS[:2])

    exit_code, _, _ = run_cli(
        capsys, "post", "one", "two", "--media", "cat.png", "--alt", "A cat"
    )

    assert exit_code == 0
    assert [body.get("media") for body in bodies(x_api)] == [
        {"media_ids": [MEDIA_ID]},
        None,
    ]


def test_a_thread_file_gives_each_part_its_media(capsys, credentials_in_env, x_api):
    write_media("thread/cat.png", "png")  # beside the file, as the file names it
    thread = Path("thread/thread.txt")
    thread.write_text(
        "# a thread\nFirst, a cat:\n![A cat asleep](cat.png)\n\nSecond\n---\nThird\n",
        encoding="utf-8",
    )
    x_api.post(UPLOAD_URL, json=UPLOADED)
    x_api.post(METADATA_URL, json=DESCRIBED)
    x_accepts(x_api, *IDS)

    exit_code, out, err = run_cli(capsys, "post", "--file", str(thread))

    assert (exit_code, err) == (0, "")
    assert [body["text"] for body in bodies(x_api)] == [
        "First, a cat:",
        "Second",
        "Third",
    ]
    assert bodies(x_api)[0]["media"] == {"media_ids": [MEDIA_ID]}
    assert json.loads(x_api.calls[1].request.body)["metadata"] == {
        "alt_text": {"text": "A cat asleep"}
    }


def test_a_thread_file_and_texts_together_are_one_line(capsys, credentials_in_env):
    open("thread.txt", "w").write("one\n")

    exit_code, _, err = run_cli(capsys, "post", "--file", "thread.txt", "two")

    assert exit_code == 2
    assert_one_error_line(err)
    assert "either in --file or on the command line" in err


def test_reply_to_makes_the_first_part_a_reply(capsys, credentials_in_env, x_api):
    x_accepts(x_api, IDS[1])

    exit_code, _, _ = run_cli(capsys, "post", "--reply-to", IDS[0], "two")

    assert exit_code == 0
    assert bodies(x_api) == [{"text": "two", "reply": {"in_reply_to_tweet_id": IDS[0]}}]


@pytest.mark.parametrize("reply_to", ["abc", "https://x.com/bot/status/1", "", "١٢"])
def test_reply_to_that_is_no_post_id_is_one_line(
    capsys, credentials_in_env, x_api, reply_to
):
    exit_code, _, err = run_cli(capsys, "post", "--reply-to", reply_to, "two")

    assert exit_code == 2
    assert_one_error_line(err)
    assert "is not a post id" in err
    assert len(x_api.calls) == 0


def test_a_reply_to_someone_who_did_not_summon_the_bot_is_explained(
    capsys, credentials_in_env, x_api
):
    x_api.post(TWEETS_URL, json=NOT_SUMMONED, status=403)

    exit_code, _, err = run_cli(capsys, "post", "--reply-to", IDS[0], "Hi!")

    assert exit_code == 1
    assert_one_error_line(err)
    assert "may reply to someone else's post only when its author summoned" in err
    assert "The post was not sent" in err


def test_dry_run_of_a_thread_prices_every_part(capsys, credentials_in_env, x_api):
    exit_code, out, _ = run_cli(capsys, "post", "--dry-run", "one", "two https://x.com")

    assert exit_code == 0
    assert "Dry run: the thread's 2 posts, their media and the credentials" in out
    assert "X charges $0.215 (1 with a link) for these 2 posts" in out
    assert len(x_api.calls) == 0


def test_on_posted_hears_of_each_part_as_it_is_posted(credentials_in_env, x_api):
    x_accepts(x_api, *IDS[:2])
    heard = []

    posted = post_thread(["one", Part("two")], on_posted=heard.append)

    assert heard == posted
    assert [part.id for part in heard] == IDS[:2]
    assert isinstance(heard[0], Posted)


def test_a_string_is_no_thread(credentials_in_env, x_api):
    """One letter per post would be a costly surprise."""
    with pytest.raises(InputError, match="for one text, use post"):
        post_thread("Hello")

    assert len(x_api.calls) == 0


@pytest.mark.parametrize(
    "parts",
    [
        [None],
        ["ok", 5],
        [Part(None)],
        [Part("p", "pic.png")],
        [Part("p", [("a.png", "A")])],
        [Part("p", [Media("a.png", 5)])],
        [Part("p", [Media(None, "A")])],
    ],
    ids=[
        "none",
        "a-number",
        "text-none",
        "media-a-string",
        "media-not-media",
        "alt-a-number",
        "path-none",
    ],
)
def test_a_part_that_is_no_post_is_one_clear_error(credentials_in_env, x_api, parts):
    with pytest.raises(InputError, match="cannot post"):
        post_thread(parts)

    assert len(x_api.calls) == 0


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("More below", "More below"),
        ("More below", "More below "),
        ("café", "cafe\u0301"),
    ],
    ids=["the-same", "a-space-after", "composed-otherwise"],
)
def test_a_thread_that_repeats_a_text_is_refused_before_anything_is_sent(
    capsys, credentials_in_env, x_api, first, again
):
    exit_code, _, err = run_cli(capsys, "post", "A", first, "B", again)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "twice, and X refuses the same text twice" in err
    assert len(x_api.calls) == 0


def test_a_check_that_fails_names_the_part(capsys, credentials_in_env, x_api):
    exit_code, _, err = run_cli(capsys, "post", "one", "two", "x" * 300)

    assert exit_code == 2
    assert "part 3 of 3: the text is too long" in err


def test_ctrl_c_while_a_part_is_sent_says_it_may_have_been_made(
    capsys, credentials_in_env, x_api, monkeypatch
):
    x_accepts(x_api, IDS[0])
    sent = Client.post

    def interrupted_at_the_second(self, text, *args):
        if text == "two":
            raise KeyboardInterrupt
        return sent(self, text, *args)

    monkeypatch.setattr(Client, "post", interrupted_at_the_second)

    exit_code, out, err = run_cli(capsys, "post", "one", "two")

    assert exit_code == 130
    assert out.startswith(f"Posted {IDS[0]}")
    assert_one_error_line(err)
    assert (
        "interrupted while part 2 of 2 was being sent, so it may have been made" in err
    )
    assert f"Posted before it: part 1 (https://x.com/i/status/{IDS[0]})" in err


def test_a_thread_file_that_is_not_there_is_one_line(capsys, credentials_in_env):
    exit_code, _, err = run_cli(capsys, "post", "--file", "thread.txt")

    assert exit_code == 2
    assert err == f"{COMMAND}: error: there is no thread.txt: check the path.\n"
