"""An X bot. ``post("text")`` posts as the bot account authorized in ``.env``.

Importing the package stays cheap, so that ``--help`` answers at once: ``post``
and ``Posted`` are loaded on first use (PEP 562 module ``__getattr__``).
"""

from __future__ import annotations

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

TYPE_CHECKING = False  # what typing.TYPE_CHECKING is, without importing typing
if TYPE_CHECKING:
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


def __getattr__(name: str) -> object:
    if name in ("Posted", "post"):
        from . import posting

        return getattr(posting, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
