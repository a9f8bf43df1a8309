"""Every failure the bot reports, each with a message that says what to do.

The command line prints ``str(error)`` as one line and exits with
``error.exit_code``: 2 for bad input or configuration, 1 when X refused or
failed (or ``guard`` stopped a commit). Messages never contain a credential
value.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .posting import Posted

# The longest text from a server that a message shows.
SHOWN_CHARACTERS = 300
# Characters a terminal acts on instead of showing them: C0 and C1 controls
# (escape, carriage return, line feed among them), line and paragraph
# separators, lone surrogates (which cannot even be printed), and the
# bidirectional controls that reorder how the text after them is displayed.
UNSHOWN_CATEGORIES = ("Cc", "Zl", "Zp", "Cs")
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


class BotError(Exception):
    """Base class of every error this bot raises on purpose."""

    exit_code = 1


class InputError(BotError):
    """Bad usage, bad input or missing configuration: fix it and run again."""

    exit_code = 2


class TextLengthError(InputError):
    """The text is empty or longer than X allows."""


class MissingCredentialsError(InputError):
    """Some of the four credentials are not set."""


class MediaFileError(InputError):
    """A file to attach is missing, of a kind or size X refuses, or lacks alt text."""


class ConfigError(InputError):
    """A setting or file is unusable (for example TWITTER_API_BASE_URL)."""


class AuthCancelledError(InputError):
    """The user ended the input before the authorization was complete."""


class XError(BotError):
    """X refused the request or could not be reached."""


class CredentialsRejectedError(XError):
    """X did not accept the keys or tokens."""


class AppKeysRejectedError(XError):
    """X does not know the app's API key, or the secret does not match it."""


class WrongPinError(XError):
    """X did not accept the PIN (mistyped, used already, or too old)."""


class ReadOnlyAppError(XError):
    """The app (and so its tokens) may only read."""


class DuplicatePostError(XError):
    """X refuses to post the same text twice."""


class RateLimitedError(XError):
    """Too many requests; X says when the limit resets."""

    def __init__(self, message: str, reset_at: datetime | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class CreditsDepletedError(XError):
    """The account's pay-per-use API credits are used up."""


class XUnreachableError(XError):
    """No answer from X: network trouble or a failure on X's side."""


class MaybePostedError(XUnreachableError):
    """A post was sent, but no answer says what became of it."""


class MediaRejectedError(XError):
    """X refused the media of a post, or could not process a file."""


class ThreadIncompleteError(BotError):
    """Some parts of a thread were posted, and then one failed.

    ``posted`` holds the parts that are on X; ``cause`` is the error that
    stopped the rest. The exit code is the cause's.
    """

    def __init__(self, message: str, posted: list[Posted], cause: BotError) -> None:
        super().__init__(message)
        self.posted = posted
        self.cause = cause
        self.exit_code = cause.exit_code


class PostInterruptedError(BotError):
    """Ctrl-C while a post was being sent: it may have been made."""

    exit_code = 130


class StagedCredentialsError(BotError):
    """A commit would record a credential value (``guard``)."""


def unshown(character: str) -> bool:
    """Whether a terminal would act on ``character`` instead of showing it."""
    return (
        unicodedata.category(character) in UNSHOWN_CATEGORIES
        or character in BIDI_CONTROLS
    )


def printable(text: str, replacement: str = "?") -> str:
    """``text`` with each character a terminal would act on shown as ``?``,
    as ``ls`` shows such a file name: a path may hold a newline or an escape."""
    return "".join(
        replacement if unshown(character) else character for character in text
    )


def one_line(text: str) -> str:
    """Text from elsewhere (a server's message, a name), fit for a one-line
    message: each character a terminal would act on becomes a space, runs of
    white space become one, and text longer than SHOWN_CHARACTERS is cut,
    ending in "…"."""
    shown = " ".join(printable(text, " ").split())
    if len(shown) > SHOWN_CHARACTERS:
        return shown[: SHOWN_CHARACTERS - 1].rstrip() + "…"
    return shown
