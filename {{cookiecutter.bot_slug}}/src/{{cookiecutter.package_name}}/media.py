"""Pictures, GIFs and videos to attach to a post: checked, then uploaded.

X takes up to four pictures, or one GIF, or one video in a post. Everything
is checked before the first request: the file is there, its real kind (from
its first bytes, not its name) is one X takes, its size is within X's limit
for that kind, the mix is allowed, and each picture or GIF has alt text, the
words a blind reader hears instead of it (unless ``no_alt`` says to post
without on purpose).

A picture goes up in one request. A GIF or a video goes in chunks of 4 MiB,
read from disk one at a time, and X then processes it: the bot asks how far
X got, as often as X says, until it is done or a deadline passes.
"""

from __future__ import annotations

import math
import os
import stat
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .credentials import check_regular_file
from .errors import MediaFileError, MediaRejectedError, XError
from .length import INVALID_CHARACTERS, LONE_SURROGATES

if TYPE_CHECKING:
    from .client import Client

MAX_ALT_CHARACTERS = 1000
MAX_PICTURES = 4
MiB = 1024 * 1024
CHUNK_BYTES = 4 * MiB  # X refused chunks of 5 MiB; its own CLI sends 4 MiB
PROCESSING_DEADLINE_SECONDS = 10 * 60
HEAD_BYTES = 8 * 1024  # enough of a file's start to tell its kind


@dataclass(frozen=True)
class Kind:
    """A kind of media, as X handles it."""

    name: str  # as the messages say it
    category: str  # X's media_category
    max_bytes: int
    chunked: bool  # uploaded in chunks, then processed by X


PICTURE = Kind("picture", "tweet_image", 5 * MiB, chunked=False)
GIF = Kind("GIF", "tweet_gif", 15 * MiB, chunked=True)
VIDEO = Kind("video", "tweet_video", 512 * MiB, chunked=True)
# The media types X takes, as puremagic names them; BMP has two names.
KINDS = {
    "image/jpeg": PICTURE,
    "image/png": PICTURE,
    "image/webp": PICTURE,
    "image/bmp": PICTURE,
    "image/x-ms-bmp": PICTURE,
    "image/tiff": PICTURE,
    "image/gif": GIF,
    "video/mp4": VIDEO,
    "video/quicktime": VIDEO,
}
TAKEN = "X takes JPEG, PNG, WebP, BMP and TIFF pictures, GIFs, and MP4 or MOV videos"


@dataclass(frozen=True)
class Media:
    """A file to attach to a post, and its alt text.

    A relative ``path`` is taken from the current folder (in posts.txt,
    from the file's folder).
    """

    path: str | os.PathLike[str]
    alt: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A media file that passed every check, ready to upload."""

    path: Path
    alt: str | None
    kind: Kind
    media_type: str
    size: int
    # Device, inode, size, times of the last write and change: the very
    # file that was checked, as it was.
    file_id: tuple[int, int, int, int, int]


def check_media(media: Sequence[Media], *, no_alt: bool = False) -> list[Attachment]:
    """Check every file and the mix; MediaFileError for the first problem."""
    attachments = [check_file(item, no_alt) for item in media]
    kinds = [attachment.kind for attachment in attachments]
    chunked = [kind for kind in kinds if kind.chunked]
    if (chunked and len(kinds) > 1) or len(kinds) > MAX_PICTURES:
        counts = {kind: kinds.count(kind) for kind in kinds}
        got = ", ".join(
            f"{count} {kind.name}{'s' if count > 1 else ''}"
            for kind, count in counts.items()
        )
        raise MediaFileError(
            f"a post takes up to {MAX_PICTURES} pictures, or 1 GIF, or 1 video, "
            f"not {got}: split them over several posts (a thread)."
        )
    return attachments


def check_file(item: Media, no_alt: bool) -> Attachment:
    path = Path(item.path)
    if not os.path.lexists(path):
        raise MediaFileError(f"{path} does not exist: check the path.")
    check_regular_file(path, "attach a picture or video file")
    try:
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
            checked = os.fstat(file.fileno())
    except OSError as error:
        raise MediaFileError(f"cannot read {path} ({error.strerror}).") from None
    size = checked.st_size
    if not size:
        raise MediaFileError(f"{path} is empty: attach a picture or video file.")
    media_type = media_type_of(head)
    kind = KINDS.get(media_type)
    if kind is None:
        found = f"of type {media_type}" if media_type else "of no kind the bot knows"
        raise MediaFileError(f"{path} is {found}: {TAKEN}.")
    if size > kind.max_bytes:
        raise MediaFileError(
            f"{path} is {megabytes(size)}, and X takes a {kind.name} of at most "
            f"{megabytes(kind.max_bytes)}: make it smaller."
        )
    alt = item.alt if item.alt and item.alt.strip() else None
    check_alt(path, kind, alt, no_alt)
    return Attachment(path, alt, kind, media_type, size, identity(checked))


def check_alt(path: Path, kind: Kind, alt: str | None, no_alt: bool) -> None:
    if alt is None:
        if kind is not VIDEO and not no_alt:
            raise MediaFileError(
                f"{path} has no alt text, so a reader who cannot see it gets "
                "nothing: describe it (--alt TEXT after its --media, or "
                "![description](path) in a file), or post without on purpose "
                "(--no-alt)."
            )
        return
    if LONE_SURROGATES.search(alt):
        raise MediaFileError(
            f"the alt text of {path} is not valid Unicode (bytes that are not "
            "UTF-8?): fix its encoding."
        )
    if INVALID_CHARACTERS.search(alt) or any(map(is_control, alt)):
        raise MediaFileError(
            f"the alt text of {path} holds a control character or one X "
            "refuses: write it as plain text."
        )
    characters = len(unicodedata.normalize("NFC", alt))  # as X counts text
    if characters > MAX_ALT_CHARACTERS:
        raise MediaFileError(
            f"the alt text of {path} is {characters} characters, and X takes at "
            f"most {MAX_ALT_CHARACTERS}: shorten it."
        )


def is_control(character: str) -> bool:
    """A character a terminal or a screen reader would act on, not read:
    controls other than line breaks and tabs."""
    return unicodedata.category(character) == "Cc" and character not in "\n\t"


def media_type_of(head: bytes) -> str:
    """The media type the first bytes of a file show, or "" if none.

    puremagic is loaded here, when a post has media, not with the command
    line (it takes 20 ms to load its table of signatures).
    """
    if head[4:8] == b"ftyp":
        return iso_media_type(head)
    import puremagic

    try:
        found = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return ""
    return next((match.mime_type for match in found if match.mime_type), "")


# Brands of the ISO base media format that are pictures, not videos.
ISO_PICTURE_BRANDS = {
    b"avif": "image/avif",
    b"avis": "image/avif",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heif",
    b"msf1": "image/heif",
}


def iso_media_type(head: bytes) -> str:
    """The type of an ISO base media file (MP4, MOV, AVIF, HEIF), from the
    brands its first box lists.

    Not puremagic: it knows only some brands of MP4 (not mp41, which GoPros
    write, nor avc1 or iso5), and takes an AVIF picture for an MP4 video.
    """
    size = int.from_bytes(head[:4], "big")
    # The major brand, a 4-byte version, then the compatible brands.
    brands = [head[8:12]] + [
        head[start : start + 4] for start in range(16, min(size, len(head)), 4)
    ]
    picture = next(
        (ISO_PICTURE_BRANDS[b] for b in brands if b in ISO_PICTURE_BRANDS), ""
    )
    if picture:
        return picture
    return "video/quicktime" if brands[0] == b"qt  " else "video/mp4"


def megabytes(size: int) -> str:
    return f"{math.ceil(size / MiB * 10) / 10:g} MB"


# --- Upload -------------------------------------------------------------------


@dataclass(frozen=True)
class Processing:
    """How far X got with processing a GIF or video."""

    state: str  # pending, in_progress, succeeded, failed (or one X adds later)
    check_after: float  # seconds X asks the bot to wait before asking again
    percent: int | None = None
    error: str = ""  # why it failed, in X's words


def upload(
    client: Client, attachment: Attachment, progress: Callable[[str], None]
) -> str:
    """Upload the file and set its alt text; return X's media id."""
    with open_checked(attachment) as file:
        if attachment.kind.chunked:
            media_id = upload_in_chunks(client, attachment, file, progress)
        else:
            media_id = client.upload_picture(read(file, attachment.size, attachment))
    if attachment.alt:
        client.set_alt_text(media_id, attachment.alt)
    return media_id


def upload_in_chunks(
    client: Client,
    attachment: Attachment,
    file: BinaryIO,
    progress: Callable[[str], None],
) -> str:
    media_id = client.initialize_upload(
        attachment.media_type, attachment.size, attachment.kind.category
    )
    left = attachment.size
    for index in range(math.ceil(attachment.size / CHUNK_BYTES)):
        progress(f"Uploading {attachment.path.name}: chunk {index + 1}")
        chunk = read(file, min(CHUNK_BYTES, left), attachment)
        client.append_chunk(media_id, index, chunk)
        left -= len(chunk)
    processing = client.finalize_upload(media_id)
    wait_until_processed(client, media_id, attachment, processing, progress)
    return media_id


def wait_until_processed(
    client: Client,
    media_id: str,
    attachment: Attachment,
    processing: Processing,
    progress: Callable[[str], None],
) -> None:
    """Ask X how far it got, as often as it says, until it is done."""
    name = attachment.path.name
    deadline = time.monotonic() + PROCESSING_DEADLINE_SECONDS
    while processing.state != "succeeded":
        if processing.state == "failed":
            raise MediaRejectedError(
                f"X could not process {name}: "
                f"{processing.error or 'it gave no reason'}; the post was not sent."
            )
        if time.monotonic() + processing.check_after > deadline:
            raise XError(
                f"X was still processing {name} after "
                f"{PROCESSING_DEADLINE_SECONDS // 60} minutes: try again later; "
                "the post was not sent."
            )
        done = f": {processing.percent}%" if processing.percent is not None else ""
        progress(f"X is processing {name}{done}")
        time.sleep(processing.check_after)
        processing = client.upload_status(media_id)


@contextmanager
def open_checked(attachment: Attachment) -> Iterator[BinaryIO]:
    """The file that was checked, opened again for the upload; MediaFileError
    if it was replaced or changed since (a FIFO in its place must not hang
    the bot, a device must not stream for ever)."""
    try:
        # O_NONBLOCK: opening a FIFO put in the file's place must not wait.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # Windows has none
        descriptor = os.open(attachment.path, flags)
    except OSError as error:
        raise MediaFileError(
            f"cannot read {attachment.path} ({error.strerror}); the post was not sent."
        ) from None
    found = os.fstat(descriptor)
    if identity(found) != attachment.file_id or not stat.S_ISREG(found.st_mode):
        os.close(descriptor)
        raise changed_since_checked(attachment)
    with os.fdopen(descriptor, "rb") as file:
        yield file


def read(file: BinaryIO, size: int, attachment: Attachment) -> bytes:
    """The next ``size`` bytes of the file; MediaFileError if it has fewer
    now than when it was checked."""
    try:
        data = file.read(size)
    except OSError as error:
        raise MediaFileError(
            f"cannot read {attachment.path} ({error.strerror}); the post was not sent."
        ) from None
    if len(data) != size:
        raise changed_since_checked(attachment)
    return data


def identity(found: os.stat_result) -> tuple[int, int, int, int, int]:
    return (
        found.st_dev,
        found.st_ino,
        found.st_size,
        found.st_mtime_ns,
        found.st_ctime_ns,
    )


def changed_since_checked(attachment: Attachment) -> MediaFileError:
    return MediaFileError(
        f"{attachment.path} changed after it was checked; the post was not "
        "sent: post again."
    )
