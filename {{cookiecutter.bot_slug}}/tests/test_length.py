"""X's weighted length (twitter-text v3), checked before anything is sent.

The official twitter-text conformance cases are in data/validate.yml.
"""

from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }} import (
    TextLengthError,
)
from {{ cookiecutter.package_name }}.length import (
    check_length,
    fits_without_parsing,
    import_twitter_text,
    weighted_length,
)

VALIDATE_YML = Path(__file__).parent / "data" / "validate.yml"


def load_conformance_cases():
    """Each section of validate.yml by name: a list of {description, text, expected}."""
    with VALIDATE_YML.open(encoding="utf-8") as file:
        return yaml.safe_load(file)["tests"]


CONFORMANCE = load_conformance_cases()

# The sections that test the v3 rule X uses today (280 weighted, emoji count 2).
V3_CASES = [
    *CONFORMANCE["WeightedTweetsWithDiscountedEmojiCounterTest"],
    *CONFORMANCE["UnicodeDirectionalMarkerCounterTest"],
]
V3_IDS = [case["description"] for case in V3_CASES]


def is_accepted(text):
    """True when check_length lets the text through."""
    try:
        check_length(text)
    except TextLengthError:
        return False
    return True


# --- The official conformance cases -------------------------------------------


def test_yaml_escapes_are_decoded():
    # The file writes astral characters as "\U0001f431"; YAML decodes them.
    texts = [case["text"] for cases in CONFORMANCE.values() for case in cases]

    assert any("\U0001f431" in text for text in texts)
    assert not any("\\U" in text for text in texts)


def test_v3_sections_are_present():
    assert len(V3_CASES) >= 20


@pytest.mark.parametrize("case", V3_CASES, ids=V3_IDS)
def test_weighted_length_matches_twitter_text(case):
    assert weighted_length(case["text"]) == case["expected"]["weightedLength"]


@pytest.mark.parametrize("case", V3_CASES, ids=V3_IDS)
def test_check_length_accepts_exactly_the_valid_texts(case):
    assert is_accepted(case["text"]) == case["expected"]["valid"]


@pytest.mark.parametrize("case", V3_CASES, ids=V3_IDS)
def test_fast_path_never_accepts_an_invalid_text(case):
    if fits_without_parsing(case["text"]):
        assert case["expected"]["valid"]


def test_fast_path_never_accepts_what_twitter_text_refuses():
    # Every text in the file, in every section; blank text is refused earlier.
    import_twitter_text()
    from twitter_text import parse_tweet

    for cases in CONFORMANCE.values():
        for case in cases:
            text = case["text"]
            if text.strip() and fits_without_parsing(text):
                assert parse_tweet(text).valid, text


def test_every_emoji_contains_a_non_ascii_character():
    # The fast path counts ASCII as 1, so no emoji may be made of ASCII alone.
    import_twitter_text()
    from twitter_text.regexp.emoji import emoji_list

    assert emoji_list
    for entry in emoji_list:
        assert not entry.emoji.isascii(), entry


# --- The rule, in examples ---------------------------------------------------


def test_280_ascii_characters_fit():
    check_length("x" * 280)


def test_281_ascii_characters_are_too_long():
    with pytest.raises(TextLengthError):
        check_length("x" * 281)


def test_too_long_message_gives_the_weighted_length_and_the_limit():
    with pytest.raises(TextLengthError) as caught:
        check_length("猫" * 141)

    assert "282" in str(caught.value)
    assert "280" in str(caught.value)


def test_cjk_characters_count_2():
    assert weighted_length("猫" * 140) == 280
    assert is_accepted("猫" * 140)
    assert not is_accepted("猫" * 141)


def test_emoji_count_2():
    assert weighted_length("🐱" * 140) == 280
    assert not is_accepted("🐱" * 141)


def test_an_emoji_sequence_counts_2():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man, woman, girl

    assert weighted_length(family) == 2


def test_a_url_counts_23_however_long():
    url = "https://example.com/" + "a" * 100

    assert weighted_length(url) == 23
    assert is_accepted("x" * 256 + " " + url)  # 256 + 1 + 23 = 280


def test_text_is_nfc_normalized_first():
    # "e" + combining acute accent becomes the single character "é".
    decomposed = "e\u0301" * 280

    assert weighted_length(decomposed) == 280
    assert is_accepted(decomposed)


@pytest.mark.parametrize(
    "text", ["", " ", "\n", " \t\n "], ids=["empty", "space", "newline", "mixed"]
)
def test_blank_text_is_refused(text):
    with pytest.raises(TextLengthError):
        check_length(text)


def test_invalid_character_is_refused():
    with pytest.raises(TextLengthError):
        check_length("hello \ufffe")


def test_fast_path_accepts_short_plain_text():
    assert fits_without_parsing("Hello World!")


def test_fast_path_leaves_possible_urls_to_twitter_text():
    assert not fits_without_parsing("see example.com")
