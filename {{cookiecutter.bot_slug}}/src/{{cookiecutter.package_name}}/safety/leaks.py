"""Find the bot's own credential values in files: exact matches, never printed.

Pattern scanners guess at secrets from their shape and the names around
them. Searching for the values themselves has no false positives and finds a
secret whatever it is called. Findings name the variable, never the value.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import errors
from ..credentials import CREDENTIAL_NAMES, load_settings

# Shorter values (a placeholder like "x", an empty value) would match by
# chance; every real key, token and secret is far longer.
MIN_SEARCHED_LENGTH = 8

# The ways a file can spell a value. A credential is ASCII, and UTF-8 bytes
# are also how Latin-1, Windows-1252 and every other ASCII-based encoding
# write it. UTF-16 (what Windows PowerShell 5 writes with `>`) and UTF-32 take
# 2 or 4 bytes a character; each is searched in both byte orders, so a file
# is found with or without a byte-order mark. Encodings that disguise ASCII
# itself (base64, URL-encoding, compression) are not searched.
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


@dataclass(frozen=True, order=True)
class Found:
    """A credential value found on a line (1-based) of some content."""

    line: int
    name: str


def credential_values(
    env_file: Path | None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Each credential value to look for (from ``env_file`` and the environment),
    mapped to the name of its variable."""
    environ = os.environ if environ is None else environ
    sources: list[Mapping[str, str]] = [environ]
    if env_file is not None and env_file.is_file():
        sources.append(load_settings(env_file, environ={}).values)
    values: dict[str, str] = {}
    for source in sources:
        for name in CREDENTIAL_NAMES:
            value = (source.get(name) or "").strip()
            if len(value) >= MIN_SEARCHED_LENGTH:
                values.setdefault(value, name)
    return values


def find_values(content: bytes, values: Mapping[str, str]) -> list[Found]:
    """Where in ``content`` each of ``values`` appears, in any of ENCODINGS."""
    found = set()
    for encoding in ENCODINGS:
        newline = "\n".encode(encoding)
        for start, name in places(content, values, encoding):
            found.add(Found(line_at(content, start, newline), name))
    return sorted(found)


def names_in(content: bytes, values: Mapping[str, str]) -> list[str]:
    """The names of the variables whose values appear in ``content``."""
    return sorted({found.name for found in find_values(content, values)})


def places(
    content: bytes, values: Mapping[str, str], encoding: str
) -> Iterator[tuple[int, str]]:
    """The offset of each value, spelled in ``encoding``, and its variable's name."""
    remaining = content
    for value, name in sorted(values.items(), key=lambda item: -len(item[0])):
        spelled = value.encode(encoding)
        start = remaining.find(spelled)
        while start != -1:
            yield start, name
            start = remaining.find(spelled, start + len(spelled))
        # A shorter value inside this one is not a second finding.
        remaining = remaining.replace(spelled, bytes(len(spelled)))


def line_at(content: bytes, offset: int, newline: bytes) -> int:
    """The number (1-based) of the line holding ``offset``."""
    # In UTF-16 and UTF-32 the bytes of a newline also turn up across two
    # other characters; only those on the same grid as ``offset`` are newlines.
    width = len(newline)
    lines = 1
    start = content.find(newline, 0, offset)
    while start != -1:
        if (offset - start) % width == 0:
            lines += 1
        start = content.find(newline, start + 1, offset)
    return lines


def redacted(text: str, values: Mapping[str, str]) -> str:
    """``text`` fit to print on one line: each credential value becomes
    ``<NAME>`` (a file or folder may be named after one), and each character
    a terminal would act on becomes ``?``, as ``ls`` shows it (a file name
    may hold a newline, a terminal escape or a right-to-left override)."""
    for value, name in sorted(values.items(), key=lambda item: -len(item[0])):
        text = text.replace(value, f"<{name}>")
    return errors.printable(text)
