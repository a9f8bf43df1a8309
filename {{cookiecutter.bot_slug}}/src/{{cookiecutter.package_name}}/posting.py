"""Post as the bot: check the text, then exactly one ``POST /2/tweets``."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .client import Client
from .credentials import X_API_ROOTS, Settings, load_settings
from .errors import InputError, TextLengthError
from .length import (
    INVALID_CHARACTERS,
    LONE_SURROGATES,
    MAX_CHARACTERS,
    MAX_WEIGHTED_LENGTH,
    URL_WEIGHT,
    weighted_length,
)


@dataclass(frozen=True)
class Posted:
    """A post: its text, and the id and web address X gave it (None on a dry run)."""

    text: str
    id: str | None = None
    url: str | None = None


def post(
    text: str, *, dry_run: bool = False, settings: Settings | None = None
) -> Posted:
    """Post ``text`` as the bot and return the post.

    The text is checked first, then the credentials (environment, then
    ``.env``) and the API root; a dry run stops there. Raises a ``BotError``
    subclass with a message saying what to do.
    """
    check_text(text)
    credentials = (settings or load_settings()).credentials()
    if dry_run:
        return Posted(text)
    post_id = Client(credentials).post(text)
    # The canonical x.com/<username>/status/<id> would cost a request for the
    # username; X redirects this form to it, and the sandbox serves it too.
    web = (
        "https://x.com" if credentials.base_url in X_API_ROOTS else credentials.base_url
    )
    return Posted(text, post_id, f"{web}/i/status/{post_id}")


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
