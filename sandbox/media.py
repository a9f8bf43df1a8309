"""X's v2 media endpoints: simple and chunked uploads, their STATUS, alt text,
and the sandbox's own ``GET /media/<id>`` that shows an upload's bytes.

Each endpoint takes OAuth 1.0a user context and counts against its own
15-minute limit; ``fail_next_upload`` can make any of them fail.

The messages of the 400s written here are inferred: X's wording for those
refusals was not recorded (the recorded ones are in ``wire.py``).
"""

import re
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import puremagic

from sandbox import wire
from sandbox.incoming import (
    Incoming,
    caller_of,
    could_not_authenticate,
    injected_failure,
    limit_headers,
    refuse_writer,
)
from sandbox.state import GIF, VIDEO, Media, Refused, SandboxState, User
from sandbox.wire import Reply

IMAGE_MAX_BYTES = 5 * 1024 * 1024  # X says "5 MB"
GIF_MAX_BYTES = 15 * 1024 * 1024  # "15 MB"
VIDEO_MAX_BYTES = 512 * 1024 * 1024  # "512 MB"
# X refused 5 MiB chunks with 413 (recorded); xurl's 4 MiB pass.
CHUNK_MAX_BYTES = 4 * 1024 * 1024
SEGMENT_INDEXES = range(1000)
ALT_TEXT_MAX_CHARACTERS = 1000
MAGIC_BYTES = 4096  # enough of a file's start for puremagic to know its type
CHECK_AFTER_SECS = 1

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/bmp", "image/tiff")
MIME_ALIASES = {"image/x-ms-bmp": "image/bmp"}  # puremagic's name for BMP
# media_type -> (the upload's type, its media_category, its size limit)
CHUNKED_TYPES = {
    "video/mp4": (VIDEO, "tweet_video", VIDEO_MAX_BYTES),
    "video/quicktime": (VIDEO, "tweet_video", VIDEO_MAX_BYTES),
    "image/gif": (GIF, "tweet_gif", GIF_MAX_BYTES),
}
CHUNKED_PATH = re.compile(r"/2/media/upload/(\d+)/(append|finalize)")
MEDIA_PATH = re.compile(r"/media/(\d+)")
OLD_FORM = (  # the 400 itself was recorded (2026)
    "The command parameter is no longer supported: use POST "
    "/2/media/upload/initialize, /2/media/upload/{id}/append and "
    "/2/media/upload/{id}/finalize."
)


@dataclass(frozen=True)
class Uploader:
    """A media request let in: who sent it, and the headers every answer carries."""

    user: User
    root: str
    headers: dict[str, str]

    def answer(self, status: int, body: bytes) -> Reply:
        return Reply(status, body, headers=self.headers)

    def ok(self, data: dict[str, Any]) -> Reply:
        return self.answer(200, wire.compact_json({"data": data}))

    def invalid(self, message: str) -> Reply:
        return self.answer(400, wire.invalid_request(self.root, message))


def _admit(state: SandboxState, request: Incoming, limit: str) -> Uploader | Reply:
    """Let a media request in, or X's refusal before looking at it: an
    injected failure, 401, 403 for a read-only token, 429."""
    caller = caller_of(state, request)
    quota = state.take_quota(limit, caller.quota_key)
    failure = state.pop_upload_failure()
    if failure is not None:
        return injected_failure(state, failure, caller, quota)
    headers = limit_headers("x-rate-limit", quota)
    if caller.token is None and caller.signed:
        # A signature that does not verify, e.g. one folding multipart fields
        # in: X's media endpoints answer code 32 (recorded).
        return could_not_authenticate(caller.root, headers)
    refused = refuse_writer(caller, quota, headers)
    if refused is not None:
        return refused
    assert caller.token is not None  # refuse_writer answered 401 otherwise
    return Uploader(caller.token.user, caller.root, headers)


# --- reading what was sent ------------------------------------------------------


def multipart_fields(request: Incoming) -> dict[str, bytes] | None:
    """The fields of a multipart/form-data body by name; None for another body.

    The standard library's email parser reads it: the ``cgi`` module that
    used to is gone in Python 3.13.
    """
    if request.media_type != "multipart/form-data":
        return None
    head = f"Content-Type: {request.content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        return None  # no boundary, or none found in the body
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields.setdefault(name, payload)
    return fields


def real_type(data: bytes) -> str:
    """The MIME type a file's first bytes show; "" when puremagic knows none."""
    try:
        matches = puremagic.magic_string(data[:MAGIC_BYTES])
    except (puremagic.PureError, ValueError):  # unknown, or empty
        return ""
    for match in matches:
        if match.mime_type:
            return MIME_ALIASES.get(match.mime_type, match.mime_type)
    return ""


def _described(media: Media, now: float, **extra: Any) -> dict[str, Any]:
    """The ``data`` X answers about an upload, keys in X's order."""
    return {
        "id": media.id,
        "media_key": media.media_key,
        "size": media.size,
        "expires_after_secs": media.expires_after_secs(now),
        **extra,
    }


def _processing_info(media: Media, now: float) -> dict[str, Any]:
    state = media.state(now)
    info: dict[str, Any] = {"state": state}
    if state == "in_progress":
        info["check_after_secs"] = CHECK_AFTER_SECS
        info["progress_percent"] = media.progress_percent(now)
    elif state == "succeeded":
        info["progress_percent"] = 100
    elif state == "failed":
        # v1.1's shape, the only one recorded; v2's is uncertain.
        info["error"] = {"code": 1, "name": "InvalidMedia", "message": media.failure}
    return info


# --- simple upload: POST /2/media/upload ------------------------------------------


def upload(state: SandboxState, request: Incoming) -> Reply:
    who = _admit(state, request, "media/upload")
    if isinstance(who, Reply):
        return who
    fields = multipart_fields(request) or {}
    old_form = request.form_value("command") if request.media_type == wire.FORM else ""
    if request.in_query("command") or "command" in fields or old_form:
        return who.invalid(OLD_FORM)
    if request.media_type != "multipart/form-data":
        # X also takes a JSON form with base64 bytes; the sandbox does not.
        return who.invalid("The sandbox takes the multipart/form-data form only.")
    refusal = _refuse_image_fields(request, fields)
    if refusal:
        return who.invalid(refusal)
    data = fields["media"]
    content_type = real_type(data)
    refusal = _refuse_image(content_type, len(data))
    if refusal:
        return who.invalid(refusal)
    media = state.add_photo(who.user, content_type, data)
    # X also gives the image's "w" and "h"; reading them takes Pillow, which is
    # not a dependency: left out (inferred to be harmless, clients ignore them).
    image = {"image_type": content_type}
    return who.ok(_described(media, time.time(), image=image))


def _refuse_image_fields(request: Incoming, fields: dict[str, bytes]) -> str:
    """Why a simple upload's fields are refused; "" if not."""
    if "media" not in fields:
        return "The media field is required: the file's bytes."
    if "media_category" not in fields:
        if request.in_query("media_category"):
            return (  # X stopped reading it from the query in 2025-05
                "media_category must be sent in the request body, not the query."
            )
        return "The media_category field is required: tweet_image."
    if fields["media_category"] != b"tweet_image":
        return "A simple upload takes media_category tweet_image."
    return ""


def _refuse_image(content_type: str, size: int) -> str:
    """Why these bytes are refused as a picture; "" if not."""
    if content_type == "image/gif" or content_type.startswith("video/"):
        return (
            f"A {content_type} file goes through the chunked upload: POST "
            "/2/media/upload/initialize, then append and finalize."
        )
    if content_type not in IMAGE_TYPES:
        return "The media is not a JPEG, PNG, WebP, BMP or TIFF image."
    if size > IMAGE_MAX_BYTES:
        return f"The image is over 5 MB ({IMAGE_MAX_BYTES} bytes)."
    return ""


# --- chunked upload: initialize, append, finalize --------------------------------


def initialize(state: SandboxState, request: Incoming) -> Reply:
    who = _admit(state, request, "media/initialize")
    if isinstance(who, Reply):
        return who
    payload = request.json_object()
    if isinstance(payload, str):
        return who.invalid(payload)
    media_type = payload.get("media_type")
    total_bytes = payload.get("total_bytes")
    if media_type not in CHUNKED_TYPES:
        allowed = ", ".join(CHUNKED_TYPES)
        return who.invalid(f"media_type must be one of {allowed}.")
    kind, category, max_bytes = CHUNKED_TYPES[media_type]
    if payload.get("media_category") != category:
        return who.invalid(f"A {media_type} upload takes media_category {category}.")
    if type(total_bytes) is not int or total_bytes < 1:
        return who.invalid("total_bytes must be a positive whole number.")
    if total_bytes > max_bytes:
        return who.invalid(f"A {media_type} file may have {max_bytes} bytes at most.")
    media = state.start_upload(who.user, kind, media_type, total_bytes)
    return who.ok(
        {
            "id": media.id,
            "media_key": media.media_key,
            "expires_after_secs": media.expires_after_secs(time.time()),
        }
    )


def chunked(state: SandboxState, request: Incoming, media_id: str, step: str) -> Reply:
    if step == "append":
        return append(state, request, media_id)
    return finalize(state, request, media_id)


def append(state: SandboxState, request: Incoming, media_id: str) -> Reply:
    who = _admit(state, request, "media/append")
    if isinstance(who, Reply):
        return who
    fields = multipart_fields(request)
    if fields is None:
        return who.invalid("append takes a multipart/form-data body.")
    chunk = fields.get("media")
    if chunk is not None and len(chunk) > CHUNK_MAX_BYTES:
        return who.answer(413, wire.PAYLOAD_TOO_LARGE)
    index = fields.get("segment_index", b"").decode(errors="replace")
    if not index.isdigit() or int(index) not in SEGMENT_INDEXES:
        return who.invalid("segment_index must be a whole number from 0 to 999.")
    if chunk is None:
        return who.invalid("The media field is required: the chunk's bytes.")
    try:
        media = state.append_segment(who.user, media_id, int(index), chunk)
    except Refused as refused:
        return who.invalid(str(refused))
    return who.ok({"expires_at": int(media.expires_at)})


def finalize(state: SandboxState, request: Incoming, media_id: str) -> Reply:
    who = _admit(state, request, "media/finalize")
    if isinstance(who, Reply):
        return who
    try:
        media = state.finalize_upload(who.user, media_id)
    except Refused as refused:
        return who.invalid(str(refused))
    pending = {"state": "pending", "check_after_secs": CHECK_AFTER_SECS}
    return who.ok(_described(media, time.time(), processing_info=pending))


def status(state: SandboxState, request: Incoming) -> Reply:
    """``GET /2/media/upload?command=STATUS&media_id=<id>``."""
    who = _admit(state, request, "media/status")
    if isinstance(who, Reply):
        return who
    if request.query_value("command") != "STATUS":
        return who.invalid("GET /2/media/upload takes command=STATUS.")
    media = state.own_media(who.user, request.query_value("media_id"))
    # An image (no processing) or an upload not finalized has no status.
    if media is None or not media.chunked or media.ready_at is None:
        return who.invalid(wire.MEDIA_NOT_FOUND)
    now = time.time()
    return who.ok(_described(media, now, processing_info=_processing_info(media, now)))


# --- alt text: POST /2/media/metadata ---------------------------------------------


def metadata(state: SandboxState, request: Incoming) -> Reply:
    who = _admit(state, request, "media/metadata")
    if isinstance(who, Reply):
        return who
    payload = request.json_object()
    if isinstance(payload, str):
        return who.invalid(payload)
    wrapper = payload.get("metadata")
    if not isinstance(wrapper, dict):
        return who.answer(500, wire.INTERNAL_SERVER_ERROR)  # as X did (recorded)
    alt_text = wrapper.get("alt_text")
    text = alt_text.get("text") if isinstance(alt_text, dict) else None
    if not isinstance(text, str):
        return who.invalid("metadata.alt_text.text must be a string.")
    if len(text) > ALT_TEXT_MAX_CHARACTERS:
        return who.invalid("Alt text may have 1000 characters at most.")
    media_id = payload.get("id")
    media = None
    if isinstance(media_id, str):
        media = state.set_alt_text(who.user, media_id, text)
    if media is None:
        return who.invalid(f"No media with id {media_id} to describe.")
    described = {"alt_text": {"text": text}}
    return who.ok({"id": media.id, "associated_metadata": described})


# --- the sandbox's own: the bytes, for its pages ----------------------------------


def media_file(state: SandboxState, media_id: str) -> Reply:
    media = state.find_media(media_id)
    if media is None or not media.data:
        return Reply(404, b"No such media in the sandbox.", wire.TEXT)
    return Reply(200, media.data, media.content_type)
