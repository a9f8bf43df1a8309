"""An X bot. ``post("text")`` posts as the bot account authorized in ``.env``;
``post("text", media=[Media("cat.jpg", "A cat asleep")])`` with a picture;
``post_thread(["one", "two"])`` a thread."""

from .errors import (
    BotError,
    ConfigError,
    CredentialsRejectedError,
    CreditsDepletedError,
    DuplicatePostError,
    InputError,
    MediaFileError,
    MediaRejectedError,
    MissingCredentialsError,
    RateLimitedError,
    ReadOnlyAppError,
    TextLengthError,
    ThreadIncompleteError,
    XError,
    XUnreachableError,
)
from .media import Media
from .posting import Part, Posted, post, post_thread

__all__ = [
    "BotError",
    "ConfigError",
    "CredentialsRejectedError",
    "CreditsDepletedError",
    "DuplicatePostError",
    "InputError",
    "Media",
    "MediaFileError",
    "MediaRejectedError",
    "MissingCredentialsError",
    "Part",
    "Posted",
    "RateLimitedError",
    "ReadOnlyAppError",
    "TextLengthError",
    "ThreadIncompleteError",
    "XError",
    "XUnreachableError",
    "post",
    "post_thread",
]
