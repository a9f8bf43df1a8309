"""Find the bot's own credential values in files: exact matches, never printed.

Pattern scanners guess at secrets from their shape and the names around
them. Searching for the values themselves has no false positives and finds a
secret whatever it is called. Findings name the variable, never the value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..credentials import CREDENTIAL_NAMES, load_settings

# Shorter values (a placeholder like "x", an empty value) would match by
# chance; every real key, token and secret is far longer.
MIN_SEARCHED_LENGTH = 8


@dataclass(frozen=True)
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
    """Where in ``content`` each of ``values`` appears."""
    return [
        Found(number, name)
        for number, line in enumerate(content.split(b"\n"), 1)
        for name in names_in(line, values)
    ]


def names_in(line: bytes, values: Mapping[str, str]) -> list[str]:
    """The names of the variables whose values appear in ``line``."""
    names = []
    for value, name in sorted(values.items(), key=lambda item: -len(item[0])):
        if value.encode() in line:
            names.append(name)
            # A shorter value inside this one is not a second finding.
            line = line.replace(value.encode(), b"\0")
    return names
