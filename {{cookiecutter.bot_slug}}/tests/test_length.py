"""X's weighted length (twitter-text v3), checked before anything is sent.

The official twitter-text conformance cases are in data/validate.yml; the
other expected lengths below are what twitter-text 3.1 (X's reference
implementation) answers.
"""

from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }} import (
    InputError,
    TextLengthError,
)
from {{ cookiecutter.package_name }}.length import (
    MAX_CHARACTERS,
    url_spans,
    weighted_length,
)
from {{ cookiecutter.package_name }}.posting import (
    check_text,
)

VALIDATE_YML = Path(__file__).parent / "data" / "validate.yml"
CONFORMANCE = yaml.safe_load(VALIDATE_YML.read_text(encoding="utf-8"))["tests"]

# The sections that test the v3 rule X uses today (280 weighted, emoji count 2).
V3_CASES = [
    *CONFORMANCE["WeightedTweetsWithDiscountedEmojiCounterTest"],
    *CONFORMANCE["UnicodeDirectionalMarkerCounterTest"],
]
V3_IDS = [case["description"] for case in V3_CASES]
LINKS_WITHOUT_PROTOCOL = CONFORMANCE["urls_without_protocol"]


def is_accepted(text):
    """True when check_text lets the text through."""
    try:
        check_text(text)
    except TextLengthError:
        return False
    return True


# --- The official conformance cases -------------------------------------------


@pytest.mark.parametrize("case", V3_CASES, ids=V3_IDS)
def test_weighted_length_matches_twitter_text(case):
    assert weighted_length(case["text"]) == case["expected"]["weightedLength"]


@pytest.mark.parametrize("case", V3_CASES, ids=V3_IDS)
def test_check_text_accepts_exactly_the_valid_texts(case):
    assert is_accepted(case["text"]) == case["expected"]["valid"]


@pytest.mark.parametrize(
    "case",
    LINKS_WITHOUT_PROTOCOL,
    ids=[case["text"] for case in LINKS_WITHOUT_PROTOCOL],
)
def test_a_domain_without_https_is_a_link(case):
    assert url_spans(case["text"]) == [(0, len(case["text"]))]


# --- The rule, in examples ---------------------------------------------------


def test_280_ascii_characters_fit():
    check_text("x" * 280)


def test_281_ascii_characters_are_too_long():
    with pytest.raises(TextLengthError):
        check_text("x" * 281)


def test_too_long_message_gives_the_weighted_length_and_the_limit():
    with pytest.raises(TextLengthError) as caught:
        check_text("猫" * 141)

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


def test_an_emoji_newer_than_twitter_text_counts_2():
    family = "\U0001f9d1\u200d\U0001f9d1\u200d\U0001f9d2"  # Unicode 15.1

    assert weighted_length(family) == 2


def test_copyright_sign_is_a_character_unless_made_an_emoji():
    assert weighted_length("\u00a9") == 1
    assert weighted_length("\u00a9\ufe0f") == 2


def test_a_url_counts_23_however_long():
    url = "https://example.com/" + "a" * 100

    assert weighted_length(url) == 23
    assert is_accepted("x" * 256 + " " + url)  # 256 + 1 + 23 = 280


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("see example.com.", 28),  # the full stop is not part of the link
        ("README.md", 23),  # .md is a country's domain
        ("詳しくはこちらhttps://example.com/abc", 37),  # a link glued to Japanese
        ("https://ja.wikipedia.org/wiki/日本", 27),  # the link ends before 日本
        ("Привет https://пример.рф/путь", 30),  # Cyrillic domain and path
        ("http://192.168.0.1/x", 20),  # an address is not a link
        ("a@example.com", 13),  # neither is an e-mail address
    ],
)
def test_links_are_found_as_x_finds_them(text, length):
    assert weighted_length(text) == length


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
        check_text(text)


def test_invalid_character_is_refused():
    with pytest.raises(TextLengthError) as caught:
        check_text("hello \ufffe")

    assert "U+FFFE" in str(caught.value)


def test_text_that_normalization_makes_too_long_is_refused_without_counting():
    text = "\ufb2c" * 1500  # NFC makes each of these three code points

    with pytest.raises(TextLengthError) as caught:
        check_text(text)

    assert "4500 characters" in str(caught.value)


@pytest.mark.parametrize("text", ["caf\udce9", "\ud83d half an emoji"])
def test_lone_surrogates_are_refused(text):
    with pytest.raises(InputError) as caught:
        check_text(text)

    assert "not valid Unicode" in str(caught.value)


def test_far_too_long_text_is_refused_without_counting():
    # Dots without a top-level domain: finding links here would take minutes.
    text = "a." * (MAX_CHARACTERS // 2 + 1)

    with pytest.raises(TextLengthError) as caught:
        check_text(text)

    assert f"{len(text)} characters" in str(caught.value)
