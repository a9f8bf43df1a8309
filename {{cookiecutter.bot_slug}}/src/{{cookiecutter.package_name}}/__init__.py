"""An X bot. ``post("text")`` posts as the bot account authorized in ``.env``."""

from .errors import (
    BotError,
    ConfigError,
    CredentialsRejectedError,
    CreditsDepletedError,
    DuplicatePostError,
    InputError,
    MissingCredentialsError,
    RateLimitedError,
    ReadOnlyAppError,
    TextLengthError,
    XError,
    XUnreachableError,
)
from .posting import Posted, post

__all__ = [
    "BotError",
    "ConfigError",
    "CredentialsRejectedError",
    "CreditsDepletedError",
    "DuplicatePostError",
    "InputError",
    "MissingCredentialsError",
    "Posted",
    "RateLimitedError",
    "ReadOnlyAppError",
    "TextLengthError",
    "XError",
    "XUnreachableError",
    "post",
]
