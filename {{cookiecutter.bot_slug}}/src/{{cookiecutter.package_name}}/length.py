"""X's weighted length rule (twitter-text v3), checked before anything is sent.

X counts 280 weighted characters after NFC normalization: most Latin-script
characters weigh 1, others (CJK, most symbols) 2, every emoji 2 and every URL
23. ``twitter-text-parser`` implements the rule exactly, but importing it
takes longer than a whole post (it compiles a huge emoji pattern), so text
that provably fits is accepted without it:

- a URL needs a dot followed by a letter (its top-level domain), so text
  without one has no URL;
- without URLs, no character or emoji weighs more than 2, and ASCII has no
  emoji, so counting ASCII as 1 and everything else as 2 is an upper bound.
"""

from __future__ import annotations

import re
import unicodedata

from .config import MAX_WEIGHTED_LENGTH
from .errors import TextLengthError

POSSIBLE_URL = re.compile(r"\.\w")
INVALID_CHARACTERS = re.compile("[\ufffe\ufeff\uffff]")


def check_length(text: str) -> None:
    """Raise TextLengthError unless X would accept the text's length."""
    if not text.strip():
        raise TextLengthError("the text is empty: give the words to post.")
    if fits_without_parsing(text):
        return
    result = parse(text)
    if INVALID_CHARACTERS.search(unicodedata.normalize("NFC", text)):
        raise TextLengthError(
            "the text contains a character X refuses (U+FFFE, U+FEFF or U+FFFF): "
            "remove it."
        )
    if not result.valid:
        raise TextLengthError(
            f"the text is too long: {result.weightedLength} weighted characters, "
            f"X allows {MAX_WEIGHTED_LENGTH} (URLs count 23, emoji and CJK "
            "characters 2): shorten it."
        )


def weighted_length(text: str) -> int:
    """The length X counts for ``text``."""
    return parse(text).weightedLength


def fits_without_parsing(text: str) -> bool:
    normalized = unicodedata.normalize("NFC", text)
    if POSSIBLE_URL.search(normalized) or INVALID_CHARACTERS.search(normalized):
        return False
    upper_bound = sum(1 if char.isascii() else 2 for char in normalized)
    return upper_bound <= MAX_WEIGHTED_LENGTH


def parse(text: str):  # -> twitter_text.ParsedResult, imported on demand
    import_twitter_text()
    from twitter_text import parse_tweet

    return parse_tweet(text)


def import_twitter_text() -> None:
    """Import twitter_text without setuptools' deprecated ``pkg_resources``.

    twitter-text-parser 3.0 reads its emoji list with
    ``pkg_resources.resource_string``; setuptools 81 removed that module and
    Python 3.12 no longer ships setuptools in a new virtual environment. A
    stand-in that reads the file directly is given for the duration of the
    import (and it imports much faster than the real one).
    """
    import sys

    if "twitter_text" in sys.modules:
        return
    import types
    from pathlib import Path

    def resource_string(module_name: str, name: str) -> bytes:
        """The file ``name`` next to the module, as pkg_resources read it."""
        module_file = sys.modules[module_name].__file__ or ""
        return Path(module_file).with_name(name).read_bytes()

    stand_in = types.ModuleType("pkg_resources")
    stand_in.resource_string = resource_string  # type: ignore[attr-defined]
    saved = sys.modules.get("pkg_resources")
    sys.modules["pkg_resources"] = stand_in
    try:
        import twitter_text  # noqa: F401
    finally:
        if saved is None:
            del sys.modules["pkg_resources"]
        else:
            sys.modules["pkg_resources"] = saved
