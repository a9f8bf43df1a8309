"""Post as the bot: check everything, upload any media, then one ``POST /2/tweets``.

A text post is exactly one request. A thread is one post per part, each
replying to the one before.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .client import Client
from .credentials import COMMAND, X_API_ROOTS, Credentials, Settings, load_settings
from .errors import (
    BotError,
    InputError,
    MaybePostedError,
    PostInterruptedError,
    TextLengthError,
    ThreadIncompleteError,
    one_line,
)
from .length import (
    INVALID_CHARACTERS,
    LONE_SURROGATES,
    MAX_CHARACTERS,
    MAX_WEIGHTED_LENGTH,
    URL_WEIGHT,
    weighted_length,
)
from .media import Attachment, Media, check_media, upload


@dataclass(frozen=True)
class Posted:
    """A post: its text, and the id and web address X gave it (None on a dry run)."""

    text: str
    id: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Part:
    """One post of a thread: its text, and the media attached to it."""

    text: str = ""
    media: Sequence[Media] = ()


def post(
    text: str,
    *,
    media: Sequence[Media] = (),
    reply_to: str | None = None,
    no_alt: bool = False,
    dry_run: bool = False,
    settings: Settings | None = None,
) -> Posted:
    """Post ``text``, with ``media`` attached, as the bot; return the post.

    The text and media are checked first, then the credentials (environment,
    then ``.env``) and the API root; a dry run stops there. Raises a
    ``BotError`` subclass with a message saying what to do.
    """
    [posted] = post_thread(
        [Part(text, media)],
        reply_to=reply_to,
        no_alt=no_alt,
        dry_run=dry_run,
        settings=settings,
    )
    return posted


def post_thread(
    parts: Sequence[str | Part],
    *,
    reply_to: str | None = None,
    no_alt: bool = False,
    dry_run: bool = False,
    settings: Settings | None = None,
    on_posted: Callable[[Posted], None] = lambda posted: None,
    progress: Callable[[str], None] = lambda line: None,
    resume_at: int = 0,
) -> list[Posted]:
    """Post the parts in order, each replying to the one before (the first
    to ``reply_to``, if given); return them as posted.

    Every part is checked before the first request. ``on_posted`` is called
    as each part is posted, and ``progress`` with a line while media goes
    up. When a part fails after others were posted, ThreadIncompleteError
    says which are on X; they stay there. ``resume_at`` parts are on X
    already (``reply_to`` is the last of them): only the rest is posted.
    """
    whole = as_thread(parts)
    thread = whole[resume_at:]
    if reply_to is not None and not (
        isinstance(reply_to, str) and reply_to.isascii() and reply_to.isdigit()
    ):
        raise InputError(
            f"{reply_to!r} is not a post id: give the digits at the end of the "
            "post's link."
        )
    attachments = [
        check_part(part, no_alt, number, len(whole))
        for number, part in enumerate(thread, resume_at + 1)
    ]
    credentials = (settings or load_settings()).credentials()
    if dry_run:
        return [Posted(part.text) for part in thread]
    client = Client(credentials)
    posted: list[Posted] = []
    for part, media in zip(thread, attachments, strict=True):
        try:
            media_ids = [upload(client, attachment, progress) for attachment in media]
            try:
                post_id = client.post(part.text, media_ids, reply_to)
            except KeyboardInterrupt:
                raise interrupted(posted, resume_at, len(whole)) from None
        except BotError as error:
            if not posted:
                raise
            raise incomplete(posted, resume_at, len(whole), error) from None
        reply_to = post_id
        posted.append(Posted(part.text, post_id, web_url(credentials, post_id)))
        on_posted(posted[-1])
    return posted


def as_thread(parts: Sequence[str | Part]) -> list[Part]:
    """The parts as ``Part``s; InputError for what is none, or for a text
    that repeats (X would refuse the second as a duplicate)."""
    if isinstance(parts, (str, bytes)) or not isinstance(parts, Sequence):
        raise InputError(
            "post_thread takes a list of texts or Parts (for one text, use post)."
        )
    thread = [Part(part) if isinstance(part, str) else part for part in parts]
    for part in thread:
        if not is_part(part):
            raise InputError(
                f"cannot post {part!r}: give a text, or Part(text, [Media(path, "
                "alt text), ...])."
            )
    if not thread:
        raise InputError("there is nothing to post: give the text of a post.")
    # As X may compare them: composed alike, without the spaces around.
    texts = [unicodedata.normalize("NFC", part.text).strip() for part in thread]
    repeated = next((text for text in texts if text and texts.count(text) > 1), None)
    if repeated is not None:
        raise InputError(
            f"the thread says {one_line(repeated)[:60]!r} twice, and X refuses "
            "the same text twice: make each part different."
        )
    return thread


def is_part(part: object) -> bool:
    """Whether ``part`` is a Part of a text and a list of Media (a path and
    an alt text or None each), as a caller from Python might get wrong."""
    return (
        isinstance(part, Part)
        and isinstance(part.text, str)
        and isinstance(part.media, (list, tuple))
        and all(
            isinstance(media, Media)
            and isinstance(media.path, (str, os.PathLike))
            and isinstance(media.alt, (str, type(None)))
            for media in part.media
        )
    )


def check_part(
    part: Part, no_alt: bool = False, number: int = 1, parts: int = 1
) -> list[Attachment]:
    """Check the part's text and media, as X would; return the media ready
    to upload. A part with media may have no text. In a thread, the error
    says which part it is about."""
    try:
        if part.text.strip() or not part.media:
            check_text(part.text)
        return check_media(part.media, no_alt=no_alt)
    except InputError as error:
        if parts > 1:
            raise type(error)(f"part {number} of {parts}: {error}") from None
        raise


def web_url(credentials: Credentials, post_id: str) -> str:
    # The canonical x.com/<username>/status/<id> would cost a request for the
    # username; X redirects this form to it, and the sandbox serves it too.
    web = (
        "https://x.com" if credentials.base_url in X_API_ROOTS else credentials.base_url
    )
    return f"{web}/i/status/{post_id}"


def incomplete(
    posted: list[Posted], before: int, parts: int, error: BotError
) -> ThreadIncompleteError:
    """Which parts of a thread are on X and which are not, after ``error``;
    ``before`` parts were on X before these were posted."""
    failed = before + len(posted) + 1
    if isinstance(error, MaybePostedError):
        unsure = f"Part {failed} may be on X: look at the bot's profile."
        first_missing, last = failed + 1, "<id of the last part on X>"
    else:
        unsure = ""
        first_missing, last = failed, str(posted[-1].id)
    missing = (
        f"part {parts}" if first_missing == parts else f"parts {first_missing}-{parts}"
    )
    said = [
        f"the thread stopped at part {failed} of {parts}: {error}",
        unsure,
        f"Not posted: {missing}." if first_missing <= parts else "",
        f"Posted, and left on X: {listed(posted, before)}.",
        f"To post the rest as replies: `{COMMAND} post --reply-to {last} ...`."
        if first_missing <= parts
        else "",
    ]
    return ThreadIncompleteError(" ".join(filter(None, said)), posted, error)


def interrupted(posted: list[Posted], before: int, parts: int) -> PostInterruptedError:
    """Ctrl-C while a part was being sent: it may be on X."""
    on_x = f" Posted before it: {listed(posted, before)}." if posted else ""
    return PostInterruptedError(
        f"interrupted while part {before + len(posted) + 1} of {parts} was being "
        "sent, so it may have been made: look at the bot's profile before "
        f"posting it again.{on_x}"
    )


def listed(posted: list[Posted], before: int) -> str:
    """``part 1 (https://x.com/i/status/1), part 2 (...)``."""
    return ", ".join(f"part {n} ({p.url})" for n, p in enumerate(posted, before + 1))


def check_text(text: str) -> None:
    """Raise an InputError unless X would accept the text: not blank, valid
    Unicode without a character X refuses, and at most 280 weighted."""
    if not text.strip():
        raise TextLengthError("the text is empty: give the words to post.")
    if LONE_SURROGATES.search(text):
        raise InputError(
            "the text is not valid Unicode (bytes that are not UTF-8, or a lone "
            "surrogate): fix its encoding."
        )
    if INVALID_CHARACTERS.search(text):
        raise TextLengthError(
            "the text contains a character X refuses (U+FFFE, U+FEFF or U+FFFF): "
            "remove it."
        )
    characters = len(unicodedata.normalize("NFC", text))  # as X counts them
    if characters > MAX_CHARACTERS:
        raise TextLengthError(
            f"the text is too long: {characters} characters, and the bot counts "
            f"texts of at most {MAX_CHARACTERS} (X allows {MAX_WEIGHTED_LENGTH} "
            f"weighted, a link counting {URL_WEIGHT}): shorten it."
        )
    length = weighted_length(text)
    if length > MAX_WEIGHTED_LENGTH:
        raise TextLengthError(
            f"the text is too long: {length} weighted characters, X allows "
            f"{MAX_WEIGHTED_LENGTH} (links count {URL_WEIGHT}, emoji and CJK "
            "characters 2): shorten it."
        )
