"""The sandbox's media endpoints, alt text, posts with media and replies, as X
answers them (/work/shared/X_MEDIA_FACTS.md), to requests-oauthlib and tweepy.
"""

import html
import re
import time
from typing import Any

import pytest
import requests
from oauthlib.oauth1 import Client as OAuthClient
from test_sandbox import (
    COULD_NOT_AUTHENTICATE,
    JSON,
    TWITTER_ROOT,
    UNAUTHORIZED,
    X_ROOT,
    make_client,
    routed,
    signed_session,
    user_session,
)

from sandbox import Sandbox

UPLOAD = X_ROOT + "/2/media/upload"
INITIALIZE = UPLOAD + "/initialize"
METADATA = X_ROOT + "/2/media/metadata"
TWEETS = X_ROOT + "/2/tweets"
MiB = 1024 * 1024

# Small real files: a 1x1 PNG, a 1x1 GIF89a; a JPEG, WebP, BMP or TIFF start
# (their first bytes are what tells the type); an MP4's ftyp box.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01"
    b"\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11"
BMP = b"BM:\x00\x00\x00\x00\x00\x00\x006\x00\x00\x00(\x00\x00\x00\x01\x00\x00\x00"
TIFF = b"II*\x00\x08\x00\x00\x00\x00\x00"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(2000)
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + bytes(2000)

INVALID_REQUEST = {
    "title": "Invalid Request",
    "detail": "One or more parameters to your request was invalid.",
    "type": f"{X_ROOT}/2/problems/invalid-request",
}
NOT_FOUND = (  # X's recorded answer to STATUS for an unknown id or an image
    b'{"errors":[{"message":"BadRequest: Not found"}],"title":"Invalid Request",'
    b'"detail":"One or more parameters to your request was invalid.",'
    b'"type":"https://api.x.com/2/problems/invalid-request"}'
)
REPLY_TO_INVISIBLE = (
    b'{"detail":"You attempted to reply to a Tweet that is deleted or not '
    b'visible to you.","type":"about:blank","title":"Forbidden","status":403}'
)
NOT_SUMMONED = (
    b'{"detail":"Reply to this conversation is not allowed because you have not '
    b"been mentioned or otherwise engaged by the author of the post you are "
    b'replying to.","type":"about:blank","title":"Forbidden","status":403}'
)


def media_ids_invalid(ids: list[str]) -> bytes:
    """X's recorded 400 to a post with media ids it does not take."""
    listed = ",".join(f'"{media_id}"' for media_id in ids)
    return (
        b'{"errors":[{"parameters":{"media.media_ids":[' + listed.encode() + b"]},"
        b'"message":"Your media IDs are invalid."}],"title":"Invalid Request",'
        b'"detail":"One or more parameters to your request was invalid.",'
        b'"type":"https://api.x.com/2/problems/invalid-request"}'
    )


def invalid_request(response: requests.Response) -> str:
    """The message of X's 400 invalid-request envelope (checking the envelope)."""
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"] == JSON
    body = response.json()
    [error] = body.pop("errors")
    assert body == INVALID_REQUEST
    return str(error["message"])


@pytest.fixture
def bot(sandbox: Sandbox) -> requests.Session:
    """The bot's session: requests-oauthlib, as @sandbox_bot, signed for api.x.com."""
    sandbox.processing_seconds = 0
    return user_session(sandbox)


# --- the bot's requests ---------------------------------------------------------


def upload_image(
    session: requests.Session, data: bytes = PNG, **fields: str
) -> requests.Response:
    form = {"media_category": "tweet_image", **fields}
    return session.post(UPLOAD, files={"media": ("media", data)}, data=form)


def image_id(session: requests.Session, data: bytes = PNG) -> str:
    response = upload_image(session, data)
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["id"])


def initialize(
    session: requests.Session,
    size: int,
    media_type: str = "video/mp4",
    category: str = "tweet_video",
) -> requests.Response:
    body = {"media_type": media_type, "total_bytes": size, "media_category": category}
    return session.post(INITIALIZE, json=body)


def append(
    session: requests.Session, media_id: str, index: int | str, chunk: bytes
) -> requests.Response:
    return session.post(
        f"{UPLOAD}/{media_id}/append",
        files={"media": ("media", chunk)},
        data={"segment_index": str(index)},
    )


def finalize(session: requests.Session, media_id: str) -> requests.Response:
    return session.post(f"{UPLOAD}/{media_id}/finalize")


def status(session: requests.Session, media_id: str) -> requests.Response:
    return session.get(UPLOAD, params={"command": "STATUS", "media_id": media_id})


def started(
    session: requests.Session, data: bytes = MP4, media_type: str = "video/mp4"
) -> str:
    """A chunked upload initialized and its bytes appended, not finalized."""
    category = "tweet_gif" if media_type == "image/gif" else "tweet_video"
    answer = initialize(session, len(data), media_type, category)
    assert answer.status_code == 200, answer.text
    media_id = str(answer.json()["data"]["id"])
    assert append(session, media_id, 0, data).status_code == 200
    return media_id


def chunked_id(
    session: requests.Session, data: bytes = MP4, media_type: str = "video/mp4"
) -> str:
    """A chunked upload, finalized."""
    media_id = started(session, data, media_type)
    assert finalize(session, media_id).status_code == 200
    return media_id


def set_alt_text(
    session: requests.Session, media_id: str, text: str
) -> requests.Response:
    body = {"id": media_id, "metadata": {"alt_text": {"text": text}}}
    return session.post(METADATA, json=body)


def post(session: requests.Session, **payload: Any) -> requests.Response:
    return session.post(TWEETS, json=payload)


def with_media(*media_ids: str) -> dict[str, Any]:
    return {"media_ids": list(media_ids)}


def reply_to(post_id: str) -> dict[str, str]:
    return {"in_reply_to_tweet_id": post_id}


def posted_id(response: requests.Response) -> str:
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["id"])


# --- simple upload ------------------------------------------------------------------


def test_simple_upload_answers_like_x(sandbox: Sandbox, bot: requests.Session) -> None:
    response = upload_image(bot, PNG)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON
    media_id = response.json()["data"]["id"]
    assert re.fullmatch(r"\d{19}", media_id)
    # X also sends the image's w and h; the sandbox leaves them out.
    assert response.content == (
        b'{"data":{"id":"%s","media_key":"3_%s","size":68,'
        b'"expires_after_secs":86400,"image":{"image_type":"image/png"}}}'
        % (media_id.encode(), media_id.encode())
    )
    assert response.headers["x-rate-limit-limit"] == "500"
    assert response.headers["x-rate-limit-remaining"] == "499"
    assert sandbox.media == [
        {
            "id": media_id,
            "type": "photo",
            "size": 68,
            "state": "succeeded",
            "alt_text": None,
            "username": "sandbox_bot",
        }
    ]
    assert sandbox.requests == [("POST", "/2/media/upload")]


@pytest.mark.parametrize(
    "data, image_type",
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (WEBP, "image/webp"),
        (BMP, "image/bmp"),
        (TIFF, "image/tiff"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_simple_upload_reads_the_real_type(
    bot: requests.Session, data: bytes, image_type: str
) -> None:
    """From the bytes, whatever the part's name or type says."""
    response = bot.post(
        UPLOAD,
        files={"media": ("picture.gif", data, "image/gif")},
        data={"media_category": "tweet_image"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["image"] == {"image_type": image_type}
    assert response.json()["data"]["size"] == len(data)


def test_image_of_exactly_5_mib_is_accepted_one_byte_more_refused(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    largest = JPEG + bytes(5 * MiB - len(JPEG))
    assert upload_image(bot, largest).status_code == 200
    assert "over 5 MB" in invalid_request(upload_image(bot, largest + b"\x00"))
    assert len(sandbox.media) == 1


@pytest.mark.parametrize(
    "case, message",
    [
        ("no media part", "media field is required"),
        ("media_category only in the query", "in the request body"),
        ("no media_category", "media_category field is required"),
        ("media_category tweet_video", "takes media_category tweet_image"),
        ("command=INIT in the query", "command parameter is no longer supported"),
        ("command=APPEND in the body", "command parameter is no longer supported"),
        ("v1.1 form-urlencoded INIT", "command parameter is no longer supported"),
        ("a JSON body", "multipart/form-data"),
        ("text, not an image", "not a JPEG, PNG, WebP, BMP or TIFF"),
        ("a GIF", "image/gif file goes through the chunked upload"),
        ("a video", "video/mp4 file goes through the chunked upload"),
    ],
)
def test_simple_upload_refusals(
    sandbox: Sandbox, bot: requests.Session, case: str, message: str
) -> None:
    picture = {"media": ("media", PNG)}
    image = {"media_category": "tweet_image"}
    requests_made = {
        "no media part": lambda: bot.post(
            UPLOAD, files={"media_category": b"tweet_image"}
        ),
        "media_category only in the query": lambda: bot.post(
            UPLOAD + "?media_category=tweet_image", files=picture
        ),
        "no media_category": lambda: bot.post(UPLOAD, files=picture),
        "media_category tweet_video": lambda: upload_image(
            bot, media_category="tweet_video"
        ),
        "command=INIT in the query": lambda: bot.post(
            UPLOAD + "?command=INIT", files=picture, data=image
        ),
        "command=APPEND in the body": lambda: upload_image(bot, command="APPEND"),
        "v1.1 form-urlencoded INIT": lambda: bot.post(
            UPLOAD, data={"command": "INIT", "total_bytes": "68", **image}
        ),
        "a JSON body": lambda: bot.post(UPLOAD, json={"media": "iVBORw0K", **image}),
        "text, not an image": lambda: upload_image(bot, b"just some text\n"),
        "a GIF": lambda: upload_image(bot, GIF),
        "a video": lambda: upload_image(bot, MP4),
    }
    response = requests_made[case]()
    assert message in invalid_request(response)
    assert response.headers["x-rate-limit-limit"] == "500"
    assert sandbox.media == []


# --- who may use the media endpoints --------------------------------------------


def every_media_request(session: requests.Session) -> dict[str, requests.Response]:
    """One request to each media endpoint, for a media id that exists."""
    return {
        "upload": upload_image(session),
        "initialize": initialize(session, len(MP4)),
        "append": append(session, "1234567890123456789", 0, MP4),
        "finalize": finalize(session, "1234567890123456789"),
        "status": status(session, "1234567890123456789"),
        "metadata": set_alt_text(session, "1234567890123456789", "A dot"),
    }


LIMITS = {
    "upload": "500",
    "initialize": "1875",
    "append": "1875",
    "finalize": "1875",
    "status": "1000",
    "metadata": "500",
}


def test_each_media_endpoint_has_its_own_rate_limit(bot: requests.Session) -> None:
    answers = every_media_request(bot)
    for endpoint, response in answers.items():
        limit = LIMITS[endpoint]
        assert response.headers["x-rate-limit-limit"] == limit, endpoint
        assert response.headers["x-rate-limit-remaining"] == str(int(limit) - 1)
        assert int(response.headers["x-rate-limit-reset"]) > time.time()


def test_media_endpoints_refuse_the_unauthenticated(sandbox: Sandbox) -> None:
    anonymous = routed(requests.Session(), sandbox.base_url, X_ROOT)
    for endpoint, response in every_media_request(anonymous).items():
        assert response.status_code == 401, endpoint
        assert response.content == UNAUTHORIZED
        assert response.headers["x-rate-limit-limit"] == LIMITS[endpoint]
    assert sandbox.media == []


def test_media_endpoints_refuse_a_read_only_token(sandbox: Sandbox) -> None:
    reader = user_session(sandbox, read_only=True)
    for endpoint, response in every_media_request(reader).items():
        assert response.status_code == 403, endpoint
        assert response.json()["type"] == f"{X_ROOT}/2/problems/oauth1-permissions"
    assert sandbox.media == []


def token_signer(sandbox: Sandbox) -> OAuthClient:
    """oauthlib's signer, with a new access token for @sandbox_bot."""
    token, secret = sandbox.issue_token()
    return OAuthClient(
        sandbox.consumer_key,
        client_secret=sandbox.consumer_secret,
        resource_owner_key=token,
        resource_owner_secret=secret,
    )


def user_session_of(sandbox: Sandbox, signer: OAuthClient) -> requests.Session:
    """requests-oauthlib with the signer's token."""
    return signed_session(
        sandbox,
        resource_owner_key=signer.resource_owner_key,
        resource_owner_secret=signer.resource_owner_secret,
    )


def test_multipart_fields_are_not_signed(sandbox: Sandbox) -> None:
    """requests-oauthlib's OAuth1 signs a multipart request without its fields
    (RFC 5849), and X agrees; a client folding them in gets X's code 32."""
    signer = token_signer(sandbox)
    _, folded, _ = signer.sign(
        UPLOAD,
        "POST",
        body={"media_category": "tweet_image"},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _, unfolded, _ = signer.sign(UPLOAD, "POST")
    session = routed(requests.Session(), sandbox.base_url, X_ROOT)
    answers = [
        session.post(
            UPLOAD,
            headers={"Authorization": signed["Authorization"]},
            files={"media": ("media", PNG)},
            data={"media_category": "tweet_image"},
        )
        for signed in (folded, unfolded)
    ]
    assert [answer.status_code for answer in answers] == [401, 200]
    assert answers[0].content == COULD_NOT_AUTHENTICATE
    assert answers[0].headers["www-authenticate"] == (
        f'OAuth realm="{X_ROOT}", api_error_code=32'
    )
    assert answers[0].headers["x-rate-limit-limit"] == "500"
    assert len(sandbox.media) == 1

    accepted = upload_image(user_session(sandbox))  # requests-oauthlib, files=
    assert accepted.status_code == 200, accepted.text


def test_status_query_is_signed(sandbox: Sandbox, bot: requests.Session) -> None:
    """command and media_id are in the query: a signature without them fails."""
    signer = token_signer(sandbox)
    media_id = chunked_id(user_session_of(sandbox, signer))
    url = f"{UPLOAD}?command=STATUS&media_id={media_id}"
    _, without_query, _ = signer.sign(UPLOAD, "GET")
    _, with_query, _ = signer.sign(url, "GET")
    session = routed(requests.Session(), sandbox.base_url, X_ROOT)
    answers = [
        session.get(url, headers={"Authorization": signed["Authorization"]})
        for signed in (without_query, with_query)
    ]
    assert [answer.status_code for answer in answers] == [401, 200]
    assert answers[0].content == COULD_NOT_AUTHENTICATE


# --- chunked upload -----------------------------------------------------------------


def test_chunked_video_upload_answers_like_x(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    """Chunks sent out of order are assembled in segment_index order."""
    sandbox.processing_seconds = 0.3
    started = initialize(bot, len(MP4))
    assert started.status_code == 200
    media_id = started.json()["data"]["id"]
    key = f"7_{media_id}".encode()
    assert started.content == (
        b'{"data":{"id":"%s","media_key":"%s","expires_after_secs":86400}}'
        % (media_id.encode(), key)
    )
    assert started.headers["x-rate-limit-limit"] == "1875"
    assert sandbox.media[0]["state"] == "uploading"

    second = append(bot, media_id, 1, MP4[1000:])
    first = append(bot, media_id, 0, MP4[:1000])
    for appended in (second, first):
        assert appended.status_code == 200
        expires_at = appended.json()["data"]["expires_at"]
        assert abs(expires_at - (time.time() + 86400)) < 5
        assert appended.json() == {"data": {"expires_at": expires_at}}

    finalized = finalize(bot, media_id)
    assert finalized.status_code == 200
    size = str(len(MP4)).encode()
    assert finalized.content == (
        b'{"data":{"id":"%s","media_key":"%s","size":%s,"expires_after_secs":86400,'
        b'"processing_info":{"state":"pending","check_after_secs":1}}}'
        % (media_id.encode(), key, size)
    )

    processing = status(bot, media_id)
    assert processing.status_code == 200
    info = processing.json()["data"].pop("processing_info")
    assert info["state"] == "in_progress"
    assert info["check_after_secs"] == 1
    assert 0 <= info["progress_percent"] < 100
    assert sandbox.media[0]["state"] == "in_progress"

    time.sleep(0.35)
    done = status(bot, media_id)
    assert done.content == (
        b'{"data":{"id":"%s","media_key":"%s","size":%s,"expires_after_secs":86400,'
        b'"processing_info":{"state":"succeeded","progress_percent":100}}}'
        % (media_id.encode(), key, size)
    )
    assert done.headers["x-rate-limit-limit"] == "1000"
    assert sandbox.media[0]["state"] == "succeeded"
    stored = requests.get(f"{sandbox.base_url}/media/{media_id}")
    assert stored.content == MP4
    assert stored.headers["Content-Type"] == "video/mp4"


@pytest.mark.parametrize(
    "data, media_type, category, prefix, kind",
    [
        (GIF, "image/gif", "tweet_gif", "16", "animated_gif"),
        (MOV, "video/quicktime", "tweet_video", "7", "video"),
    ],
)
def test_chunked_gif_and_quicktime(
    sandbox: Sandbox,
    bot: requests.Session,
    data: bytes,
    media_type: str,
    category: str,
    prefix: str,
    kind: str,
) -> None:
    started = initialize(bot, len(data), media_type, category)
    media_id = started.json()["data"]["id"]
    assert started.json()["data"]["media_key"] == f"{prefix}_{media_id}"
    assert append(bot, media_id, 0, data).status_code == 200
    assert finalize(bot, media_id).json()["data"]["media_key"] == f"{prefix}_{media_id}"
    assert status(bot, media_id).json()["data"]["processing_info"]["state"] == (
        "succeeded"
    )
    assert sandbox.media[0]["type"] == kind
    stored = requests.get(f"{sandbox.base_url}/media/{media_id}")
    assert stored.headers["Content-Type"] == media_type


def test_processing_lasts_processing_seconds(sandbox: Sandbox) -> None:
    assert sandbox.processing_seconds == 1.0  # the default
    bot = user_session(sandbox)
    media_id = chunked_id(bot)
    time.sleep(0.3)
    info = status(bot, media_id).json()["data"]["processing_info"]
    assert info["state"] == "in_progress"
    assert 20 <= info["progress_percent"] <= 60
    with Sandbox(processing_seconds=0) as instant:
        at_once = user_session(instant)
        ready = status(at_once, chunked_id(at_once)).json()["data"]
        assert ready["processing_info"]["state"] == "succeeded"
    with pytest.raises(ValueError):
        sandbox.processing_seconds = -1


@pytest.mark.parametrize("message", [None, "Video too long"])
def test_fail_next_processing(
    sandbox: Sandbox, bot: requests.Session, message: str | None
) -> None:
    if message is None:
        sandbox.fail_next_processing()
    else:
        sandbox.fail_next_processing(message)
    failed = chunked_id(bot)
    info = status(bot, failed).json()["data"]["processing_info"]
    assert info == {
        "state": "failed",
        "error": {
            "code": 1,
            "name": "InvalidMedia",
            "message": message or "Unsupported video format",
        },
    }
    assert sandbox.media[0]["state"] == "failed"
    fine = chunked_id(bot)  # only the next one fails
    assert status(bot, fine).json()["data"]["processing_info"]["state"] == "succeeded"


def test_processing_fails_only_when_its_time_is_over(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    sandbox.processing_seconds = 0.2
    sandbox.fail_next_processing()
    media_id = chunked_id(bot)
    assert finalize(bot, media_id).status_code == 400  # finalized already
    processing_info = status(bot, media_id).json()["data"]["processing_info"]
    assert processing_info["state"] == "in_progress"
    time.sleep(0.25)
    processing_info = status(bot, media_id).json()["data"]["processing_info"]
    assert processing_info["state"] == "failed"


def test_initialize_refuses_a_body_that_is_not_json(bot: requests.Session) -> None:
    form = {
        "media_type": "video/mp4",
        "total_bytes": "10",
        "media_category": "tweet_video",
    }
    not_json = bot.post(INITIALIZE, data=form)
    assert invalid_request(not_json) == (
        "Requests with bodies must have content-type of application/json."
    )
    headers = {"Content-Type": "application/json"}
    broken = bot.post(INITIALIZE, data=b'{"media_type": "video/mp4",', headers=headers)
    assert invalid_request(broken) == "Request body is not valid JSON."
    a_list = bot.post(INITIALIZE, json=["video/mp4", 100])
    assert invalid_request(a_list) == "The request body must be a JSON object."


@pytest.mark.parametrize(
    "media_type, category, size, accepted",
    [
        ("image/gif", "tweet_gif", 15 * MiB, True),
        ("image/gif", "tweet_gif", 15 * MiB + 1, False),
        ("video/mp4", "tweet_video", 512 * MiB, True),
        ("video/mp4", "tweet_video", 512 * MiB + 1, False),
        ("video/quicktime", "tweet_video", 100, True),
        ("video/mp4", "tweet_gif", 100, False),
        ("image/gif", "tweet_video", 100, False),
        ("video/mp4", "tweet_image", 100, False),
        ("image/png", "tweet_image", 100, False),
        ("video/webm", "tweet_video", 100, False),
        ("video/mp4", "tweet_video", 0, False),
        ("video/mp4", "tweet_video", "100", False),
        ("video/mp4", "tweet_video", True, False),
    ],
)
def test_initialize_limits(
    bot: requests.Session,
    media_type: str,
    category: str,
    size: Any,
    accepted: bool,
) -> None:
    response = initialize(bot, size, media_type, category)
    if accepted:
        assert response.status_code == 200, response.text
    else:
        invalid_request(response)


def test_initialize_needs_media_category(bot: requests.Session) -> None:
    body = {"media_type": "video/mp4", "total_bytes": 100}
    assert "tweet_video" in invalid_request(bot.post(INITIALIZE, json=body))


def test_append_chunk_of_4_mib_passes_and_more_is_too_large(
    bot: requests.Session,
) -> None:
    media_id = initialize(bot, 8 * MiB + 1).json()["data"]["id"]
    assert append(bot, media_id, 0, bytes(4 * MiB)).status_code == 200
    too_large = append(bot, media_id, 1, bytes(4 * MiB + 1))
    assert too_large.status_code == 413
    assert too_large.headers["Content-Type"] == JSON
    assert too_large.json()["status"] == 413
    assert too_large.headers["x-rate-limit-limit"] == "1875"


@pytest.mark.parametrize("index", ["-1", "1000", "one", "", None])
def test_append_segment_index_from_0_to_999(
    bot: requests.Session, index: str | None
) -> None:
    media_id = initialize(bot, len(MP4)).json()["data"]["id"]
    assert append(bot, media_id, 999, MP4).status_code == 200
    fields = {} if index is None else {"segment_index": index}
    response = bot.post(
        f"{UPLOAD}/{media_id}/append", files={"media": ("media", MP4)}, data=fields
    )
    assert "segment_index" in invalid_request(response)


def test_append_refusals(sandbox: Sandbox, bot: requests.Session) -> None:
    media_id = initialize(bot, len(MP4)).json()["data"]["id"]
    no_media = bot.post(
        f"{UPLOAD}/{media_id}/append", files={"segment_index": (None, "0")}
    )
    assert "media field is required" in invalid_request(no_media)
    not_multipart = bot.post(f"{UPLOAD}/{media_id}/append", json={"segment_index": 0})
    assert "multipart/form-data" in invalid_request(not_multipart)
    invalid_request(append(bot, "1234567890123456789", 0, MP4))
    other = user_session(sandbox, username="other_bot")
    invalid_request(append(other, media_id, 0, MP4))
    assert sandbox.media[0]["size"] == 0


def test_append_after_finalize_is_refused(bot: requests.Session) -> None:
    media_id = chunked_id(bot)
    invalid_request(append(bot, media_id, 1, MP4))


@pytest.mark.parametrize("sent", [len(MP4) - 1, len(MP4) + 1])
def test_finalize_refuses_segments_that_do_not_add_up(
    bot: requests.Session, sent: int
) -> None:
    media_id = initialize(bot, len(MP4)).json()["data"]["id"]
    assert append(bot, media_id, 0, bytes(sent)).status_code == 200
    refused = finalize(bot, media_id)
    assert invalid_request(refused) == (
        "Segments do not add up to provided total file size."
    )
    assert refused.headers["x-rate-limit-limit"] == "1875"
    # The upload can still be put right.
    assert append(bot, media_id, 0, MP4).status_code == 200
    assert finalize(bot, media_id).status_code == 200


def test_finalize_refuses_unknown_and_foreign_ids(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    media_id = started(bot)
    other = user_session(sandbox, username="other_bot")
    invalid_request(finalize(other, media_id))
    invalid_request(finalize(bot, "1234567890123456789"))
    invalid_request(finalize(bot, image_id(bot)))
    assert finalize(bot, media_id).status_code == 200


def test_status_not_found(sandbox: Sandbox, bot: requests.Session) -> None:
    """Unknown id, an image, another account's upload, one not finalized."""
    not_finalized = started(bot)
    other = user_session(sandbox, username="other_bot")
    for media_id, session in [
        ("1234567890123456789", bot),
        (image_id(bot), bot),
        (chunked_id(bot), other),
        (not_finalized, bot),
    ]:
        response = status(session, media_id)
        assert response.status_code == 400
        assert response.content == NOT_FOUND
        assert response.headers["x-rate-limit-limit"] == "1000"


def test_status_needs_command_status(bot: requests.Session) -> None:
    media_id = chunked_id(bot)
    response = bot.get(UPLOAD, params={"media_id": media_id})
    assert "command=STATUS" in invalid_request(response)


def test_status_for_twitter_root_names_it(sandbox: Sandbox) -> None:
    session = user_session(sandbox, TWITTER_ROOT)
    response = session.get(
        TWITTER_ROOT + "/2/media/upload",
        params={"command": "STATUS", "media_id": "1234567890123456789"},
    )
    assert response.json()["type"] == f"{TWITTER_ROOT}/2/problems/invalid-request"


# --- alt text -----------------------------------------------------------------------


def test_alt_text_answers_like_x(sandbox: Sandbox, bot: requests.Session) -> None:
    media_id = image_id(bot)
    response = set_alt_text(bot, media_id, "A dancing cat")
    assert response.status_code == 200
    assert response.content == (
        b'{"data":{"id":"%s","associated_metadata":{"alt_text":{"text":'
        b'"A dancing cat"}}}}' % media_id.encode()
    )
    assert response.headers["x-rate-limit-limit"] == "500"
    assert sandbox.media[0]["alt_text"] == "A dancing cat"


def test_alt_text_of_1000_characters_passes_1001_do_not(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    media_id = image_id(bot)
    assert set_alt_text(bot, media_id, "é" * 1000).status_code == 200
    assert "1000 characters" in invalid_request(set_alt_text(bot, media_id, "x" * 1001))
    assert sandbox.media[0]["alt_text"] == "é" * 1000


def test_alt_text_without_the_metadata_wrapper_is_a_500(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    """What X answered (recorded)."""
    media_id = image_id(bot)
    response = bot.post(METADATA, json={"id": media_id, "alt_text": {"text": "A cat"}})
    assert response.status_code == 500
    assert response.headers["Content-Type"] == JSON
    assert response.headers["x-rate-limit-limit"] == "500"
    assert sandbox.media[0]["alt_text"] is None


def test_alt_text_refusals(sandbox: Sandbox, bot: requests.Session) -> None:
    media_id = image_id(bot)
    other = user_session(sandbox, username="other_bot")
    invalid_request(set_alt_text(other, media_id, "Not mine"))
    invalid_request(set_alt_text(bot, "1234567890123456789", "Unknown"))
    no_text = {"id": media_id, "metadata": {"alt_text": {}}}
    invalid_request(bot.post(METADATA, json=no_text))
    not_json = bot.post(METADATA, data={"id": media_id})
    assert "content-type of application/json" in invalid_request(not_json)
    assert sandbox.media[0]["alt_text"] is None


# --- posts with media -----------------------------------------------------------


def test_post_with_a_picture_and_its_alt_text(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    media_id = image_id(bot)
    assert set_alt_text(bot, media_id, "A red dot").status_code == 200
    response = post(bot, text="Photo of the day", media=with_media(media_id))
    post_id = posted_id(response)
    text = response.json()["data"]["text"]
    assert re.fullmatch(r"Photo of the day https://t\.co/[A-Za-z0-9]{10}", text)
    assert response.json()["data"]["edit_history_tweet_ids"] == [post_id]
    assert sandbox.posts == [
        {
            "id": post_id,
            "text": "Photo of the day",
            "username": "sandbox_bot",
            "created_at": sandbox.posts[0]["created_at"],
            "media": [{"id": media_id, "type": "photo", "alt_text": "A red dot"}],
            "in_reply_to": None,
        }
    ]


def test_tweepy_posts_media_without_text(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    """tweepy leaves "text" out when given none; X takes media alone."""
    media_id = image_id(bot)
    client = make_client(sandbox, *sandbox.issue_token())
    created = client.create_tweet(media_ids=[media_id])
    assert re.fullmatch(r"https://t\.co/[A-Za-z0-9]{10}", created.data["text"])
    assert sandbox.posts[0]["text"] == ""


def test_empty_text_with_media_is_never_a_duplicate(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    posted_id(post(bot, text="", media=with_media(image_id(bot))))
    posted_id(post(bot, text="", media=with_media(image_id(bot))))
    posted_id(post(bot, text="Same words", media=with_media(image_id(bot))))
    again = post(bot, text="Same words", media=with_media(image_id(bot)))
    assert again.status_code == 403
    assert b"duplicate content" in again.content
    assert "Tweet text is too long" in invalid_request(post(bot, text=""))
    assert len(sandbox.posts) == 3


@pytest.mark.parametrize(
    "media",
    [["photo"], ["photo"] * 4, ["gif"], ["video"]],
    ids=["1 photo", "4 photos", "1 gif", "1 video"],
)
def test_mixes_x_takes(bot: requests.Session, media: list[str]) -> None:
    uploads = {
        "photo": lambda: image_id(bot),
        "gif": lambda: chunked_id(bot, GIF, "image/gif"),
        "video": lambda: chunked_id(bot),
    }
    ids = [uploads[kind]() for kind in media]
    posted_id(post(bot, text="Media", media=with_media(*ids)))


def refused_ids(sandbox: Sandbox, bot: requests.Session, case: str) -> list[Any]:
    """Media ids X does not take in a post, for each case."""
    if case == "unknown":
        return ["1234567890123456789"]
    if case == "another account's":
        return [image_id(user_session(sandbox, username="other_bot"))]
    if case == "still processing":
        sandbox.processing_seconds = 60
        return [chunked_id(bot)]
    if case == "never finalized":
        return [started(bot)]
    if case == "failed processing":
        sandbox.fail_next_processing()
        return [chunked_id(bot)]
    if case == "expired":
        sandbox.media_expiry_seconds = 0.05
        media_id = image_id(bot)
        time.sleep(0.1)
        return [media_id]
    if case == "photo and video":
        return [image_id(bot), chunked_id(bot)]
    if case == "two GIFs":
        return [chunked_id(bot, GIF, "image/gif") for _ in range(2)]
    if case == "five photos":
        return [image_id(bot) for _ in range(5)]
    if case == "the same photo twice":
        return [image_id(bot)] * 2
    if case == "none":
        return []
    if case == "an object, not a string":
        return [{"id": image_id(bot)}]
    assert case == "a number, not a string"
    return [int(image_id(bot))]


@pytest.mark.parametrize(
    "case",
    [
        "unknown",
        "another account's",
        "still processing",
        "never finalized",
        "failed processing",
        "expired",
        "photo and video",
        "two GIFs",
        "five photos",
        "the same photo twice",
        "none",
        "a number, not a string",
        "an object, not a string",
    ],
)
def test_media_ids_x_refuses(
    sandbox: Sandbox, bot: requests.Session, case: str
) -> None:
    ids = refused_ids(sandbox, bot, case)
    response = post(bot, text=f"With {case} media", media=with_media(*ids))
    assert response.status_code == 400
    assert response.headers["Content-Type"] == JSON
    assert response.content == media_ids_invalid([str(media_id) for media_id in ids])
    assert sandbox.posts == []


def test_media_expiry_is_24_hours_by_default(sandbox: Sandbox) -> None:
    assert sandbox.media_expiry_seconds == 24 * 3600


def test_fail_next_post_media_ids_invalid(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    """X's answer for a few seconds after processing: the next try works."""
    media_id = image_id(bot)
    sandbox.fail_next_post(kind="media-ids-invalid")
    refused = post(bot, text="Too soon", media=with_media(media_id))
    assert refused.status_code == 400
    assert refused.content == media_ids_invalid([media_id])
    posted_id(post(bot, text="Too soon", media=with_media(media_id)))

    answer = requests.post(
        sandbox.base_url + "/_sandbox/fail-next-post?kind=media-ids-invalid"
    )
    assert answer.json() == {"fail_next_post": 400, "kind": "media-ids-invalid"}
    assert post(bot, text="Again").content == media_ids_invalid([])


def test_a_bare_400_is_still_text_too_long(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    sandbox.fail_next_post(400)
    assert "too long" in invalid_request(post(bot, text="Fine"))


def test_posts_refuse_a_body_that_is_not_json(bot: requests.Session) -> None:
    form = bot.post(TWEETS, data={"text": "As a form"})
    assert invalid_request(form) == (
        "Requests with bodies must have content-type of application/json."
    )
    headers = {"Content-Type": "application/json"}
    broken = bot.post(TWEETS, data=b'{"text": ', headers=headers)
    assert invalid_request(broken) == "Request body is not valid JSON."


# --- replies and threads ------------------------------------------------------------


def test_a_thread_of_own_posts(sandbox: Sandbox, bot: requests.Session) -> None:
    first = posted_id(post(bot, text="Part 1"))
    second = posted_id(post(bot, text="Part 2", reply=reply_to(first)))
    media_id = image_id(bot)
    third = posted_id(
        post(bot, text="Part 3", reply=reply_to(second), media=with_media(media_id))
    )
    assert [(p["id"], p["in_reply_to"]) for p in sandbox.posts] == [
        (first, None),
        (second, first),
        (third, second),
    ]


def test_tweepy_replies(sandbox: Sandbox) -> None:
    client = make_client(sandbox, *sandbox.issue_token())
    first = client.create_tweet(text="Part 1").data["id"]
    client.create_tweet(text="Part 2", in_reply_to_tweet_id=first)
    assert sandbox.posts[1]["in_reply_to"] == first


def test_a_reply_to_another_account_is_refused_unless_summoned(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    person = user_session(sandbox, username="person")
    plain = posted_id(post(person, text="Hello world"))
    lookalike = posted_id(post(person, text="Hi @sandbox_bot_fan and @sandbox_bo"))
    mentioned = posted_id(post(person, text="What do you think, @Sandbox_Bot?"))
    fullwidth = posted_id(post(person, text="＠sandbox_bot, hello"))

    for post_id in (plain, lookalike):
        refused = post(bot, text="Replying", reply=reply_to(post_id))
        assert refused.status_code == 403
        assert refused.headers["Content-Type"] == JSON
        assert refused.content == NOT_SUMMONED
    posted_id(post(bot, text="Summoned", reply=reply_to(mentioned)))
    posted_id(post(bot, text="Summoned again", reply=reply_to(fullwidth)))
    usernames = [p["username"] for p in sandbox.posts]
    assert usernames == ["person"] * 4 + ["sandbox_bot"] * 2


def test_summoned_replies_only_can_be_turned_off(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    assert sandbox.summoned_replies_only is True
    post_id = sandbox.post_as("person", "Hello world")
    assert sandbox.posts[0]["username"] == "person"
    with pytest.raises(ValueError):
        sandbox.post_as("Person", "Hello world")  # handles ignore case
    sandbox.summoned_replies_only = False
    posted_id(post(bot, text="Reply 1", reply=reply_to(post_id)))

    control = sandbox.base_url + "/_sandbox/summoned-replies-only"
    assert requests.post(control + "?on=1").json() == {"summoned_replies_only": True}
    assert post(bot, text="Reply 2", reply=reply_to(post_id)).status_code == 403
    assert requests.post(control + "?on=0").json() == {"summoned_replies_only": False}
    assert not sandbox.summoned_replies_only
    posted_id(post(bot, text="Reply 3", reply=reply_to(post_id)))


@pytest.mark.parametrize("which", ["deleted", "never made"])
def test_a_reply_to_a_post_that_is_not_there(
    sandbox: Sandbox, bot: requests.Session, which: str
) -> None:
    post_id = posted_id(post(bot, text="Soon gone"))
    if which == "deleted":
        assert bot.delete(f"{TWEETS}/{post_id}").status_code == 200
    else:
        post_id = str(int(post_id) + 1)
    refused = post(bot, text="Replying", reply=reply_to(post_id))
    assert refused.status_code == 403
    assert refused.content == REPLY_TO_INVISIBLE
    assert len(sandbox.posts) == (0 if which == "deleted" else 1)


@pytest.mark.parametrize(
    "reply", [{}, {"in_reply_to_tweet_id": 123}, {"in_reply_to_tweet_id": "abc"}, "1"]
)
def test_a_reply_without_a_post_id_is_invalid(
    bot: requests.Session, reply: Any
) -> None:
    invalid_request(post(bot, text="Replying", reply=reply))


# --- injected upload failures ---------------------------------------------------


@pytest.mark.parametrize("endpoint", list(LIMITS))
@pytest.mark.parametrize("status_code", [401, 402, 429, 503])
def test_fail_next_upload(
    sandbox: Sandbox, bot: requests.Session, endpoint: str, status_code: int
) -> None:
    media_id = started(bot)
    requests_of = {
        "upload": lambda: upload_image(bot),
        "initialize": lambda: initialize(bot, len(MP4)),
        "append": lambda: append(bot, media_id, 0, MP4),
        "finalize": lambda: finalize(bot, media_id),
        "status": lambda: status(bot, media_id),
        "metadata": lambda: set_alt_text(bot, media_id, "A clip"),
    }
    sandbox.fail_next_upload(status_code)
    failed = requests_of[endpoint]()
    assert failed.status_code == status_code
    assert failed.headers["Content-Type"] == JSON
    assert failed.headers["x-rate-limit-limit"] == LIMITS[endpoint]
    if status_code == 429:
        assert failed.headers["x-rate-limit-remaining"] == "0"
        assert 800 < int(failed.headers["x-rate-limit-reset"]) - time.time() <= 900
    if status_code == 402:
        assert failed.json()["type"] == f"{X_ROOT}/2/problems/credits-depleted"
    if status_code == 401:
        assert failed.content == UNAUTHORIZED
    # Only the next media request fails, and posts are not affected.
    assert requests_of[endpoint]().status_code != status_code
    posted_id(post(bot, text="Posts still work"))


@pytest.mark.parametrize("status_code", [400, 403, 418])
def test_fail_next_upload_rejects_what_it_cannot_inject(
    sandbox: Sandbox, status_code: int
) -> None:
    with pytest.raises(ValueError):
        sandbox.fail_next_upload(status_code)


# --- pages and control ------------------------------------------------------------


def test_pages_show_pictures_videos_and_escaped_alt_text(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    picture = image_id(bot)
    alt = '<script>alert("x")</script> & a "dot"'
    assert set_alt_text(bot, picture, alt).status_code == 200
    gif = chunked_id(bot, GIF, "image/gif")
    video = chunked_id(bot)
    first = posted_id(post(bot, text="A picture", media=with_media(picture)))
    posted_id(post(bot, text="A GIF", media=with_media(gif)))
    posted_id(post(bot, text="A video", media=with_media(video)))

    home = requests.get(sandbox.base_url + "/").text
    page = requests.get(f"{sandbox.base_url}/i/status/{first}").text
    escaped = html.escape(alt)
    for shown in (home, page):
        assert f'<img src="/media/{picture}" alt="{escaped}">' in shown
        assert f'<span class="alt">ALT</span> {escaped}</figcaption>' in shown
        assert "<script>" not in shown
    assert f'<img src="/media/{gif}" alt="">' in home
    assert f'<video controls src="/media/{video}"' in home
    assert f"/media/{video}" not in page  # another post


def test_media_file_is_served_with_its_type(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    picture = requests.get(f"{sandbox.base_url}/media/{image_id(bot, JPEG)}")
    assert picture.status_code == 200
    assert picture.headers["Content-Type"] == "image/jpeg"
    assert picture.content == JPEG
    for missing in ("1234567890123456789", started(bot)):
        assert requests.get(f"{sandbox.base_url}/media/{missing}").status_code == 404


def test_a_post_page_shows_its_whole_thread(
    sandbox: Sandbox, bot: requests.Session
) -> None:
    person = user_session(sandbox, username="person")
    root = posted_id(post(person, text="Question for @sandbox_bot"))
    answer = posted_id(post(bot, text="Answer part 1", reply=reply_to(root)))
    more = posted_id(post(bot, text="Answer part 2", reply=reply_to(answer)))
    posted_id(post(bot, text="Unrelated"))

    for post_id in (root, answer, more):
        page = requests.get(f"{sandbox.base_url}/i/status/{post_id}").text
        positions = [page.index(text) for text in ("Question", "part 1", "part 2")]
        assert positions == sorted(positions), post_id
        assert "Unrelated" not in page
        assert page.count('<div class="post current">') == 1
    page = requests.get(f"{sandbox.base_url}/i/status/{more}").text
    assert f'Replying to <a href="/i/status/{answer}">@sandbox_bot\'s post</a>' in page
    assert f'Replying to <a href="/i/status/{root}">@person' in page

    assert bot.delete(f"{TWEETS}/{answer}").status_code == 200
    orphan = requests.get(f"{sandbox.base_url}/i/status/{more}").text
    assert f'Replying to <a href="/i/status/{answer}">a deleted post</a>' in orphan
    assert "Question" not in orphan


def test_control_endpoints_for_media(sandbox: Sandbox, bot: requests.Session) -> None:
    control = sandbox.base_url + "/_sandbox/"
    media_id = image_id(bot)
    set_alt_text(bot, media_id, "A dot")
    post_id = posted_id(post(bot, text="", media=with_media(media_id)))

    state = requests.get(control + "state").json()
    assert state["media"] == sandbox.media
    assert state["media"][0]["alt_text"] == "A dot"
    assert state["posts"][0]["id"] == post_id
    assert state["posts"][0]["media"] == [
        {"id": media_id, "type": "photo", "alt_text": "A dot"}
    ]
    assert state["posts"][0]["in_reply_to"] is None
    assert state["summoned_replies_only"] is True
    assert state["processing_seconds"] == 0
    assert state["requests"] == [
        ["POST", "/2/media/upload"],
        ["POST", "/2/media/metadata"],
        ["POST", "/2/tweets"],
    ]

    answer = requests.post(control + "fail-next-upload?status=503")
    assert answer.json() == {"fail_next_upload": 503, "kind": "unavailable"}
    assert upload_image(bot).status_code == 503
    for bad in ("status=400", "status=oops", ""):
        assert requests.post(control + f"fail-next-upload?{bad}").status_code == 400

    answer = requests.post(control + "fail-next-processing?message=Too+long")
    assert answer.json() == {"fail_next_processing": "Too long"}
    failed = chunked_id(bot)
    error = status(bot, failed).json()["data"]["processing_info"]["error"]
    assert error["message"] == "Too long"

    answer = requests.post(control + "processing-seconds?seconds=0.5")
    assert answer.json() == {"processing_seconds": 0.5}
    assert sandbox.processing_seconds == 0.5
    for bad in ("seconds=-1", "seconds=soon", "seconds=nan", ""):
        assert requests.post(control + f"processing-seconds?{bad}").status_code == 400
    assert sandbox.processing_seconds == 0.5
