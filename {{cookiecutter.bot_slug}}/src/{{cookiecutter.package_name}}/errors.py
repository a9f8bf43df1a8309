"""Every failure the bot reports, each with a message that says what to do.

The command line prints ``str(error)`` as one line and exits with
``error.exit_code``: 2 for bad input or configuration, 1 when X refused or
failed (or ``guard`` stopped a commit). Messages never contain a credential
value.
"""

from __future__ import annotations

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


class StagedCredentialsError(BotError):
    """A commit would record a credential value (``guard``)."""
