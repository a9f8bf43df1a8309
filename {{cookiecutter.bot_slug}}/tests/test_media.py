"""Posts with pictures, GIFs and videos: every file is checked before anything
is sent, pictures go up in one request, GIFs and videos in chunks that X then
processes, and alt text is set before the post."""

import json
import os
import sys
import time

import pytest
from fake_x import (
    APPEND_URL,
    APPENDED,
    CREATED,
    CREDITS_DEPLETED,
    DESCRIBED,
    FAKE_CREDENTIALS,
    FINALIZE_URL,
    FINALIZED,
    INITIALIZE_URL,
    INITIALIZED,
    MEDIA_ID,
    MEDIA_IDS_INVALID,
    METADATA_URL,
    POST_ID,
    PROCESSED,
    PROCESSING,
    PROCESSING_FAILED,
    TWEETS_URL,
    UPLOAD_URL,
    UPLOADED,
    VIDEO_ID,
    is_signed_for_its_url,
)
from helpers import assert_one_error_line, run_cli, write_media

from {{ cookiecutter.package_name }} import (
    Media,
    MediaFileError,
    Part,
    ThreadIncompleteError,
    media,
    post,
    post_thread,
)

MiB = 1024 * 1024
ALT = "A cat asleep on a keyboard"


@pytest.fixture
def slept(monkeypatch):
    """The seconds the bot waited, in order; no test really waits, and the
    clock moves on by each wait."""
    waits = []
    start = time.monotonic()
    monkeypatch.setattr(time, "sleep", waits.append)
    monkeypatch.setattr(time, "monotonic", lambda: start + sum(waits))
    return waits


def x_takes_a_one_chunk_upload(x_api, finalized):
    """X's answers to initialize, one append and finalize (``finalized``)."""
    x_api.post(INITIALIZE_URL, json=INITIALIZED)
    x_api.post(APPEND_URL, json=APPENDED)
    x_api.post(FINALIZE_URL, json=finalized)


def requests_sent(x_api):
    """(method, URL without the query) of each request, in order."""
    return [
        (call.request.method, call.request.url.split("?")[0]) for call in x_api.calls
    ]


def posted_json(x_api):
    """The JSON body of the last POST /2/tweets."""
    [body] = [
        json.loads(call.request.body)
        for call in x_api.calls
        if call.request.url == TWEETS_URL
    ][-1:]
    return body


# --- Checked before anything is sent ----------------------------------------------


def test_a_picture_without_alt_text_is_refused_unless_no_alt(
    capsys, credentials_in_env, x_api
):
    write_media("cat.png", "png")

    exit_code, _, err = run_cli(capsys, "post", "Look", "--media", "cat.png")

    assert exit_code == 2
    assert_one_error_line(err)
    assert "cat.png has no alt text" in err and "--no-alt" in err
    assert len(x_api.calls) == 0


@pytest.mark.parametrize(
    ("files", "said"),
    [
        ({"cat.jpg": None}, "cat.jpg does not exist"),
        ({"folder/cat.png": "png", "folder": None}, "folder is not a regular file"),
        ({"cat.png": ("png", 0)}, "cat.png is empty"),
        ({"notes.jpg": "text"}, "notes.jpg is of no kind the bot knows"),
        ({"iphone.jpg": "heic"}, "iphone.jpg is of type image/heic"),
        ({"photo.png": "avif"}, "photo.png is of type image/avif"),
        (
            {"big.png": ("png", 5 * MiB + 1)},
            "big.png is 5.1 MB, and X takes a picture of at most 5 MB",
        ),
        ({"big.gif": ("gif", 15 * MiB + 1)}, "and X takes a GIF of at most 15 MB"),
        ({"huge.mp4": ("mp4", 512 * MiB + 1)}, "and X takes a video of at most 512 MB"),
    ],
    ids=[
        "missing",
        "a-folder",
        "empty",
        "not-media",
        "heif",
        "avif",
        "big-picture",
        "big-gif",
        "big-video",
    ],
)
def test_a_file_x_would_refuse_is_one_line_and_nothing_is_sent(
    capsys, credentials_in_env, x_api, files, said
):
    for name, kind in files.items():
        if isinstance(kind, tuple):
            write_media(name, *kind)
        elif kind == "text":
            open(name, "w").write("these are not the pixels you are looking for")
        elif kind is not None:
            write_media(name, kind)
    media = [arg for name in files for arg in ("--media", name)][-2:]

    exit_code, _, err = run_cli(capsys, "post", "Look", *media, "--alt", ALT)

    assert exit_code == 2
    assert_one_error_line(err)
    assert said in err
    assert len(x_api.calls) == 0


@pytest.mark.parametrize(
    ("kinds", "got"),
    [
        (["png"] * 5, "not 5 pictures"),
        (["png", "mp4"], "not 1 picture, 1 video"),
        (["gif", "gif"], "not 2 GIFs"),
    ],
    ids=["five-pictures", "picture-and-video", "two-gifs"],
)
def test_a_mix_x_does_not_take_is_refused(
    capsys, credentials_in_env, x_api, kinds, got
):
    args = []
    for number, kind in enumerate(kinds):
        args += ["--media", str(write_media(f"{number}.{kind}", kind)), "--alt", ALT]

    exit_code, _, err = run_cli(capsys, "post", "Look", *args)

    assert exit_code == 2
    assert "a post takes up to 4 pictures, or 1 GIF, or 1 video" in err
    assert got in err
    assert len(x_api.calls) == 0


def test_alt_text_over_1000_characters_is_refused(capsys, credentials_in_env, x_api):
    write_media("cat.png", "png")

    exit_code, _, err = run_cli(
        capsys, "post", "Look", "--media", "cat.png", "--alt", "a" * 1001
    )

    assert exit_code == 2
    assert "1001 characters, and X takes at most 1000" in err


@pytest.mark.parametrize(
    "args",
    [
        ["--alt", ALT, "--media", "cat.png"],
        ["--media", "cat.png", "--alt", "A", "--alt", "B"],
    ],
    ids=["alt-before-media", "two-alts"],
)
def test_each_alt_goes_with_the_media_before_it(
    capsys, credentials_in_env, x_api, args
):
    write_media("cat.png", "png")

    exit_code, _, err = run_cli(capsys, "post", "Look", *args)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "each --alt describes the --media just before it" in err


def test_post_without_text_or_media_is_one_line(capsys, credentials_in_env):
    exit_code, _, err = run_cli(capsys, "post")

    assert exit_code == 2
    assert_one_error_line(err)
    assert "give the text to post" in err


def test_the_kind_comes_from_the_content_not_the_name(credentials_in_env, x_api):
    """A PNG named .mp4 is a picture: one simple upload."""
    write_media("holiday.mp4", "png")
    x_api.post(UPLOAD_URL, json=UPLOADED)
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    post("Look", media=[Media("holiday.mp4")], no_alt=True)

    assert requests_sent(x_api) == [("POST", UPLOAD_URL), ("POST", TWEETS_URL)]


def test_the_python_api_checks_as_the_command_does(credentials_in_env, x_api):
    write_media("cat.png", "png")

    with pytest.raises(MediaFileError, match="cat.png has no alt text"):
        post("Look", media=[Media("cat.png")])


# --- A picture: upload, alt text, post -------------------------------------------


def test_a_picture_with_alt_text_is_three_requests(capsys, credentials_in_env, x_api):
    write_media("cat.png", "png")
    x_api.post(UPLOAD_URL, json=UPLOADED)
    x_api.post(METADATA_URL, json=DESCRIBED)
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    exit_code, out, err = run_cli(
        capsys, "post", "Photo of the day", "--image", "cat.png", "--alt", ALT
    )

    assert (exit_code, err) == (0, "")
    assert out == f"Posted {POST_ID}: https://x.com/i/status/{POST_ID}\n"
    assert requests_sent(x_api) == [
        ("POST", UPLOAD_URL),
        ("POST", METADATA_URL),
        ("POST", TWEETS_URL),
    ]
    upload, metadata, _ = (call.request for call in x_api.calls)
    content_type = upload.headers["Content-Type"]  # bytes, as requests-oauthlib sets it
    assert b"multipart/form-data" in content_type
    assert b'name="media_category"\r\n\r\ntweet_image\r\n' in upload.body
    assert open("cat.png", "rb").read() in upload.body
    assert json.loads(metadata.body) == {
        "id": MEDIA_ID,
        "metadata": {"alt_text": {"text": ALT}},
    }
    assert posted_json(x_api) == {
        "text": "Photo of the day",
        "media": {"media_ids": [MEDIA_ID]},
    }
    secrets = (
        FAKE_CREDENTIALS["TWITTER_CONSUMER_SECRET"],
        FAKE_CREDENTIALS["TWITTER_ACCESS_TOKEN_SECRET"],
    )
    for call in x_api.calls:  # multipart fields and JSON bodies are never signed
        assert is_signed_for_its_url(call.request, *secrets)


def test_four_pictures_and_no_text(credentials_in_env, x_api):
    for number in range(4):
        write_media(f"{number}.jpg", "jpeg")
        x_api.post(UPLOAD_URL, json={"data": {"id": f"{number}00"}})
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    post("", media=[Media(f"{n}.jpg") for n in range(4)], no_alt=True)

    assert posted_json(x_api) == {
        "text": "",
        "media": {"media_ids": ["000", "100", "200", "300"]},
    }


def test_a_video_needs_no_alt_text(credentials_in_env, x_api, slept):
    write_media("clip.mp4", "mp4")
    x_takes_a_one_chunk_upload(x_api, finalized=PROCESSED)
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    post("A clip", media=[Media("clip.mp4")])

    assert posted_json(x_api)["media"] == {"media_ids": [VIDEO_ID]}


# --- A GIF or a video: in chunks, then processed ----------------------------------


def test_a_gif_goes_in_4_mib_chunks_and_waits_for_processing(
    capsys, credentials_in_env, x_api, slept
):
    size = 9 * MiB + 5
    write_media("dance.gif", "gif", size)
    x_api.post(INITIALIZE_URL, json=INITIALIZED)
    x_api.post(APPEND_URL, status=204)  # any 2xx, with or without a body
    x_api.post(APPEND_URL, json=APPENDED)
    x_api.post(APPEND_URL, status=200)
    x_api.post(FINALIZE_URL, json=FINALIZED)
    x_api.get(UPLOAD_URL, json=PROCESSING)
    x_api.get(UPLOAD_URL, json=PROCESSED)
    x_api.post(METADATA_URL, json=DESCRIBED)
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    exit_code, out, err = run_cli(
        capsys, "post", "Dance!", "--media", "dance.gif", "--alt", "A cat dancing"
    )

    assert (exit_code, err) == (0, ""), err
    assert requests_sent(x_api) == [
        ("POST", INITIALIZE_URL),
        ("POST", APPEND_URL),
        ("POST", APPEND_URL),
        ("POST", APPEND_URL),
        ("POST", FINALIZE_URL),
        ("GET", UPLOAD_URL),
        ("GET", UPLOAD_URL),
        ("POST", METADATA_URL),
        ("POST", TWEETS_URL),
    ]
    initialize = json.loads(x_api.calls[0].request.body)
    assert initialize == {
        "media_type": "image/gif",
        "total_bytes": size,
        "media_category": "tweet_gif",
    }
    chunks = [call.request.body for call in x_api.calls[1:4]]
    for index, chunk in enumerate(chunks):
        assert f'name="segment_index"\r\n\r\n{index}\r\n'.encode() in chunk
    assert [len(chunk) for chunk in chunks] == sorted(len(c) for c in chunks)[::-1]
    assert 4 * MiB < len(chunks[0]) < 4 * MiB + 1000  # 4 MiB and the form around it
    status = x_api.calls[5].request
    assert status.url == f"{UPLOAD_URL}?command=STATUS&media_id={VIDEO_ID}"
    secrets = (
        FAKE_CREDENTIALS["TWITTER_CONSUMER_SECRET"],
        FAKE_CREDENTIALS["TWITTER_ACCESS_TOKEN_SECRET"],
    )
    assert is_signed_for_its_url(status, *secrets)  # the query is signed
    assert slept == [1, 2]  # check_after_secs of finalize, then of STATUS
    assert posted_json(x_api)["media"] == {"media_ids": [VIDEO_ID]}


def test_a_terminal_sees_one_progress_line_while_media_goes_up(
    capsys, credentials_in_env, x_api, slept, monkeypatch
):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    write_media("clip.mp4", "mp4")
    x_takes_a_one_chunk_upload(x_api, finalized=FINALIZED)
    x_api.get(UPLOAD_URL, json=PROCESSING)
    x_api.get(UPLOAD_URL, json=PROCESSED)
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    exit_code, out, err = run_cli(capsys, "post", "A clip", "--media", "clip.mp4")

    assert exit_code == 0
    assert err.split("\r")[1:] == [
        "Uploading clip.mp4: chunk 1",
        "X is processing clip.mp4   ",  # as wide as the line before
        "X is processing clip.mp4: 40%\n",
    ]
    assert out.startswith(f"Posted {POST_ID}")


def test_processing_that_fails_says_why_and_posts_nothing(
    capsys, credentials_in_env, x_api, slept
):
    write_media("clip.mp4", "mp4")
    x_takes_a_one_chunk_upload(x_api, finalized=FINALIZED)
    x_api.get(UPLOAD_URL, json=PROCESSING_FAILED)

    exit_code, _, err = run_cli(capsys, "post", "A clip", "--video", "clip.mp4")

    assert exit_code == 1
    assert_one_error_line(err)
    assert "X could not process clip.mp4: Unsupported video format" in err
    assert "the post was not sent" in err
    assert ("POST", TWEETS_URL) not in requests_sent(x_api)


def test_processing_that_never_ends_stops_at_the_deadline(
    capsys, credentials_in_env, x_api, slept
):
    write_media("clip.mp4", "mp4")
    x_takes_a_one_chunk_upload(x_api, finalized=FINALIZED)
    x_api.get(UPLOAD_URL, json=processing_without_end())

    exit_code, _, err = run_cli(capsys, "post", "A clip", "--media", "clip.mp4")

    assert exit_code == 1
    assert "X was still processing clip.mp4 after 10 minutes" in err
    assert 9 * 60 < sum(slept) <= 10 * 60
    assert ("POST", TWEETS_URL) not in requests_sent(x_api)


def processing_without_end():
    return {
        "data": {
            "id": VIDEO_ID,
            "processing_info": {"state": "in_progress", "check_after_secs": 30},
        }
    }


@pytest.mark.parametrize(
    ("info", "wait"),
    [
        ({"state": "in_progress"}, 1),
        ({"state": "new-state", "check_after_secs": 5}, 5),
        ({"state": "pending", "check_after_secs": 0}, 1),
        ({"state": "pending", "check_after_secs": 86400}, 60),
        ({"state": "pending", "check_after_secs": "soon"}, 1),
        ({"state": "pending", "check_after_secs": 10**400}, 60),
        ({"state": "pending", "check_after_secs": -5}, 1),
        ({"state": 7, "check_after_secs": 2}, 2),
    ],
    ids=[
        "no-advice",
        "unknown-state",
        "zero",
        "a-day",
        "not-a-number",
        "huge",
        "negative",
        "state-not-text",
    ],
)
def test_processing_advice_is_taken_within_reason(
    credentials_in_env, x_api, slept, info, wait
):
    write_media("clip.mp4", "mp4")
    x_takes_a_one_chunk_upload(
        x_api, finalized={"data": {"id": VIDEO_ID, "processing_info": info}}
    )
    x_api.get(UPLOAD_URL, json=PROCESSED)
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    post("A clip", media=[Media("clip.mp4")])

    assert slept == [wait]


@pytest.mark.parametrize(
    "answer",
    [{"data": {"id": "../../2/tweets"}}, {"data": {"id": 5}}, {"data": {}}, {}],
    ids=["not-digits", "a-number", "no-id", "no-data"],
)
def test_an_upload_answer_without_a_media_id_is_one_line(
    capsys, credentials_in_env, x_api, answer
):
    write_media("clip.mp4", "mp4")
    x_api.post(INITIALIZE_URL, json=answer)

    exit_code, _, err = run_cli(capsys, "post", "A clip", "--media", "clip.mp4")

    assert exit_code == 1
    assert_one_error_line(err)
    assert "X's answer to the upload made no sense" in err
    assert len(x_api.calls) == 1


# --- X refusing ---------------------------------------------------------------------


def test_media_ids_x_calls_invalid_are_sent_once_more_after_a_pause(
    capsys, credentials_in_env, x_api, slept
):
    write_media("cat.png", "png")
    x_api.post(UPLOAD_URL, json=UPLOADED)
    x_api.post(TWEETS_URL, json=MEDIA_IDS_INVALID, status=400)
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    exit_code, out, _ = run_cli(
        capsys, "post", "Look", "--media", "cat.png", "--no-alt"
    )

    assert exit_code == 0
    assert out.startswith(f"Posted {POST_ID}")
    assert slept == [3]
    assert requests_sent(x_api).count(("POST", TWEETS_URL)) == 2


def test_media_ids_still_invalid_are_one_line_after_two_tries(
    capsys, credentials_in_env, x_api, slept
):
    write_media("cat.png", "png")
    x_api.post(UPLOAD_URL, json=UPLOADED)
    x_api.post(TWEETS_URL, json=MEDIA_IDS_INVALID, status=400)

    exit_code, _, err = run_cli(
        capsys, "post", "Look", "--media", "cat.png", "--no-alt"
    )

    assert exit_code == 1
    assert_one_error_line(err)
    assert "X refused the post's media (Your media IDs are invalid.)" in err
    assert requests_sent(x_api).count(("POST", TWEETS_URL)) == 2


def test_a_text_post_refused_for_its_media_ids_is_not_sent_again(
    credentials_in_env, x_api, slept
):
    x_api.post(TWEETS_URL, json=MEDIA_IDS_INVALID, status=400)

    with pytest.raises(Exception, match="media IDs are invalid"):
        post("Hello")

    assert len(x_api.calls) == 1


def test_no_credits_at_upload_is_the_credits_message(capsys, credentials_in_env, x_api):
    write_media("cat.png", "png")
    x_api.post(UPLOAD_URL, json=CREDITS_DEPLETED, status=402)

    exit_code, _, err = run_cli(
        capsys, "post", "Look", "--media", "cat.png", "--alt", ALT
    )

    assert exit_code == 1
    assert "the account's API credits are used up" in err
    assert len(x_api.calls) == 1


# --- Dry run: the price -----------------------------------------------------------


def test_dry_run_with_pictures_checks_them_and_prices_the_alt_texts(
    capsys, credentials_in_env, x_api
):
    write_media("a.png", "png")
    write_media("b.jpg", "jpeg")

    exit_code, out, _ = run_cli(
        capsys,
        "post",
        "--dry-run",
        "Two cats",
        "--media",
        "a.png",
        "--alt",
        "A cat",
        "--media",
        "b.jpg",
        "--alt",
        "B cat",
    )

    assert exit_code == 0
    assert "Dry run: the post, its media and the credentials are fine" in out
    assert "X charges $0.025 (2 alt texts) for this post" in out
    assert len(x_api.calls) == 0


@pytest.mark.parametrize(
    ("alt", "said"),
    [
        ("A cat\x1b[2J", "holds a control character"),
        ("A cat\uffff", "holds a control character or one X refuses"),
        ("e\u0301" * 600, None),  # 600 characters once composed, as X counts
    ],
    ids=["escape", "noncharacter", "combining-marks"],
)
def test_alt_text_is_plain_text_counted_as_x_counts(
    capsys, credentials_in_env, x_api, alt, said
):
    write_media("cat.png", "png")

    exit_code, _, err = run_cli(
        capsys, "post", "--dry-run", "Look", "--media", "cat.png", "--alt", alt
    )

    assert exit_code == (2 if said else 0), err
    if said:
        assert said in err


@pytest.mark.parametrize(
    "change",
    ["grown", "shrunk", "replaced", "a-fifo"],
)
def test_a_file_that_changes_after_the_check_is_not_uploaded(
    credentials_in_env, x_api, change
):
    """Between the check and the upload of part 2, part 1 is posted."""
    path = write_media("dance.gif", "gif", 2000)
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    def change_the_file(posted):
        path.unlink()
        if change == "grown":
            write_media(path, "gif", 200 * MiB)
        elif change == "shrunk":
            write_media(path, "gif", 1000)
        elif change == "replaced":
            write_media(path, "gif", 2000)
        else:
            os.mkfifo(path)

    with pytest.raises(ThreadIncompleteError) as caught:
        post_thread(
            ["one", Part("two", [Media(path, "A cat dancing")])],
            on_posted=change_the_file,
        )

    assert "dance.gif changed after it was checked" in str(caught.value)
    assert requests_sent(x_api) == [("POST", TWEETS_URL)]


def test_a_post_id_that_is_not_digits_may_have_been_made(
    capsys, credentials_in_env, x_api
):
    x_api.post(TWEETS_URL, json={"data": {"id": "$(touch /tmp/pwned)"}}, status=201)

    exit_code, out, err = run_cli(capsys, "post", "hi")

    assert exit_code == 1
    assert "pwned" not in out + err
    assert "may have been made" in err


@pytest.mark.parametrize(
    ("brands", "media_type"),
    [
        (b"isom\x00\x00\x02\x00isomiso2avc1mp41", "video/mp4"),
        (b"mp41\x00\x00\x00\x00mp41", "video/mp4"),  # what GoPros write
        (b"avc1\x00\x00\x00\x00isom", "video/mp4"),
        (b"iso5\x00\x00\x02\x00iso6mp41", "video/mp4"),
        (b"qt  \x00\x00\x02\x00qt  ", "video/quicktime"),
        (b"avif\x00\x00\x00\x00mif1miaf", "image/avif"),
        (b"isom\x00\x00\x00\x00avifmif1", "image/avif"),  # a picture under isom
        (b"heic\x00\x00\x00\x00mif1heic", "image/heic"),
    ],
)
def test_an_iso_media_file_is_told_by_its_brands(brands, media_type):
    head = (8 + len(brands)).to_bytes(4, "big") + b"ftyp" + brands + b"\x00" * 50

    assert media.media_type_of(head) == media_type


def test_a_file_turned_into_a_folder_after_the_check_is_one_line(
    credentials_in_env, x_api
):
    path = write_media("cat.png", "png")
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    def make_it_a_folder(posted):
        path.unlink()
        path.mkdir()

    with pytest.raises(ThreadIncompleteError, match="cat.png changed after it was"):
        post_thread(
            ["one", Part("two", [Media(path, "A cat")])], on_posted=make_it_a_folder
        )
