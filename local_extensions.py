"""Jinja filters for this template (cookiecutter loads them via ``_extensions``)."""

from __future__ import annotations

from cookiecutter.utils import simple_filter


@simple_filter
def toml_string(value: object) -> str:
    """Quote any text as a TOML basic string, which is also a Python literal.

    Jinja's ``tojson`` escapes astral characters (emoji) as surrogate pairs,
    which TOML rejects and Python keeps as two broken halves.
    """
    quoted = []
    for char in str(value):
        if char in '"\\':
            quoted.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            quoted.append(f"\\u{ord(char):04x}")
        else:
            quoted.append(char)
    return '"' + "".join(quoted) + '"'
