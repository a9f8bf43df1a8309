"""Post as the bot: check everything, upload any media, then one ``POST /2/tweets``.

A text post is exactly one request. A thread is one post per part, each
replying to the one before.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .client import Client
from .credentials import COMMAND, X_API_ROOTS, Credentials, Settings, load_settings
from .errors import BotError, InputError, TextLengthError, ThreadIncompleteError
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
) -> list[Posted]:
    """Post the parts in order, each replying to the one before (the first
    to ``reply_to``, if given); return them as posted.

    Every part is checked before the first request. ``on_posted`` is called
    as each part is posted, and ``progress`` with a line while media goes
    up. When a part fails after others were posted, ThreadIncompleteError
    says which are on X; they stay there.
    """
    thread = [Part(part) if isinstance(part, str) else part for part in parts]
    if not thread:
        raise InputError("there is nothing to post: give the text of a post.")
    if reply_to is not None and not (reply_to.isascii() and reply_to.isdigit()):
        raise InputError(
            f"{reply_to!r} is not a post id: give the digits at the end of the "
            "post's link."
        )
    attachments = [check_part(part, no_alt) for part in thread]
    credentials = (settings or load_settings()).credentials()
    if dry_run:
        return [Posted(part.text) for part in thread]
    client = Client(credentials)
    posted: list[Posted] = []
    for part, media in zip(thread, attachments, strict=True):
        try:
            media_ids = [upload(client, attachment, progress) for attachment in media]
            post_id = client.post(part.text, media_ids, reply_to)
        except BotError as error:
            if not posted:
                raise
            raise incomplete(posted, len(thread), error) from None
        reply_to = post_id
        posted.append(Posted(part.text, post_id, web_url(credentials, post_id)))
        on_posted(posted[-1])
    return posted


def check_part(part: Part, no_alt: bool = False) -> list[Attachment]:
    """Check the part's text and media, as X would; return the media ready
    to upload. A part with media may have no text."""
    if part.text.strip() or not part.media:
        check_text(part.text)
    return check_media(part.media, no_alt=no_alt)


def web_url(credentials: Credentials, post_id: str) -> str:
    # The canonical x.com/<username>/status/<id> would cost a request for the
    # username; X redirects this form to it, and the sandbox serves it too.
    web = (
        "https://x.com" if credentials.base_url in X_API_ROOTS else credentials.base_url
    )
    return f"{web}/i/status/{post_id}"


def incomplete(
    posted: list[Posted], parts: int, error: BotError
) -> ThreadIncompleteError:
    """Which parts of a thread are on X and which are not, after ``error``."""
    done = len(posted)
    on_x = ", ".join(f"part {n} ({p.url})" for n, p in enumerate(posted, 1))
    rest = f"part {parts}" if done + 1 == parts else f"parts {done + 1}-{parts}"
    return ThreadIncompleteError(
        f"the thread stopped at part {done + 1} of {parts}: {error} "
        f"Not posted: {rest}. Posted, and left on X: {on_x}. To post the rest "
        f"as replies to the last: `{COMMAND} post --reply-to {posted[-1].id} ...`.",
        posted,
        error,
    )


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
