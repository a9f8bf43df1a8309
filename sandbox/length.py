"""Whether X accepts a post's text: the generated bot's own length rule.

X's rule (twitter-text v3 weighting, 280) has one implementation in this
repository, the generated bot's ``length.py``, so that the bot and the sandbox
can never judge a post differently. That file imports nothing from the bot's
package, so it is loaded here straight from the template by its path.
"""

import importlib.util
import unicodedata
from pathlib import Path
from types import ModuleType

RULE_FILE = (
    Path(__file__).resolve().parent.parent
    / "{{cookiecutter.bot_slug}}"
    / "src"
    / "{{cookiecutter.package_name}}"
    / "length.py"
)


def _load_rule() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sandbox._bot_length", RULE_FILE)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load X's length rule from {RULE_FILE}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_rule = _load_rule()


def is_valid_post(text: str) -> bool:
    """True when X would accept ``text``: valid Unicode, no character X refuses,
    not empty and at most 280 weighted."""
    if _rule.LONE_SURROGATES.search(text) or _rule.INVALID_CHARACTERS.search(text):
        return False
    text = unicodedata.normalize("NFC", text)
    if len(text) > _rule.MAX_CHARACTERS:  # too long; counting could take seconds
        return False
    return 0 < _rule.weighted_length(text) <= _rule.MAX_WEIGHTED_LENGTH
