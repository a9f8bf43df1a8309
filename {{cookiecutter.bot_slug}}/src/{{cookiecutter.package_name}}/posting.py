"""Post as the bot: check the text, then exactly one ``POST /2/tweets``."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .errors import InputError, TextLengthError
from .length import (
    INVALID_CHARACTERS,
    LONE_SURROGATES,
    MAX_CHARACTERS,
    MAX_WEIGHTED_LENGTH,
    weighted_length,
)
from .settings import Credentials, Settings, load_settings


@dataclass(frozen=True)
class Posted:
    """What X made of a post: its id and web address (both None on a dry run)."""

    text: str
    id: str | None = None
    url: str | None = None


def post_url(post_id: str) -> str:
    # The canonical x.com/<username>/status/<id> would cost a request for the
    # username; X redirects this form to it.
    return f"https://x.com/i/status/{post_id}"


def post(
    text: str,
    *,
    dry_run: bool = False,
    settings: Settings | None = None,
) -> Posted:
    """Post ``text`` as the bot and return what X made of it.

    The length is checked first, then the credentials (environment, then
    ``.env``) and the API root; a dry run stops there. Raises a ``BotError``
    subclass with a message saying what to do.
    """
    check_length(text)
    settings = settings or load_settings()
    credentials = settings.credentials()
    base_url = settings.api_base_url()
    if dry_run:
        return Posted(text=text)
    return send(text, credentials, base_url)


def check_length(text: str) -> None:
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
    text = unicodedata.normalize("NFC", text)  # as X counts it
    if len(text) > MAX_CHARACTERS:
        raise TextLengthError(
            f"the text is too long: {len(text)} characters, and the bot counts "
            f"texts of at most {MAX_CHARACTERS} (X allows 280 weighted, a link "
            "counting 23): shorten it."
        )
    length = weighted_length(text)
    if length > MAX_WEIGHTED_LENGTH:
        raise TextLengthError(
            f"the text is too long: {length} weighted characters, X allows "
            f"{MAX_WEIGHTED_LENGTH} (links count 23, emoji and CJK characters "
            "2): shorten it."
        )


def send(text: str, credentials: Credentials, base_url: str) -> Posted:
    from . import client as x

    try:
        response = x.make_client(credentials, base_url).create_tweet(
            text=text, user_auth=True
        )
    except x.FAILURES as error:
        raise x.explain(error, credentials) from None
    post_id = str(response.data["id"])  # type: ignore[union-attr]
    return Posted(text=text, id=post_id, url=post_url(post_id))
