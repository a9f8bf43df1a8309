"""Every failure the bot reports, each with a message that says what to do.

The command line prints ``str(error)`` as one line and exits with
``error.exit_code``: 2 for bad input or configuration, 1 when X refused or
failed. Messages never contain a credential value.
"""

from __future__ import annotations

TYPE_CHECKING = False  # what typing.TYPE_CHECKING is, without importing typing
if TYPE_CHECKING:  # only for annotations: keeps `--help` from importing datetime
    from datetime import datetime


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


class ConfigError(InputError):
    """A setting or file is unusable (for example TWITTER_API_BASE_URL)."""


class XError(BotError):
    """X refused the request or could not be reached."""


class ReadOnlyAppError(XError):
    """The app (and so its tokens) may only read."""


class DuplicatePostError(XError):
    """X refuses to post the same text twice."""


class CredentialsRejectedError(XError):
    """X did not accept the keys or tokens."""


class RateLimitedError(XError):
    """Too many requests; X says when the limit resets."""

    def __init__(self, message: str, reset_at: datetime | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class CreditsDepletedError(XError):
    """The account's pay-per-use API credits are used up."""


class XUnreachableError(XError):
    """No answer from X: network trouble or a failure on X's side."""
