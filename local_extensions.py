"""Jinja filters for this template (cookiecutter loads them via ``_extensions``)."""

from __future__ import annotations

import runpy
from collections.abc import Mapping
from pathlib import Path

import click
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


@simple_filter
def package_name_from_slug(bot_slug: object) -> str:
    """The default package name: the slug with '_' for '-', and ``bot_`` in
    front when it starts with a digit, as a Python name cannot
    ("24-7-news-bot" gives "bot_24_7_news_bot")."""
    name = str(bot_slug).replace("-", "_")
    return f"bot_{name}" if name[:1].isdigit() else name


class UnusableName(click.ClickException):
    """Cookiecutter's command line shows it as one line, "Error: ...", and
    exits with status 2, as for any bad usage."""

    exit_code = 2


@simple_filter
def check_names(answers: Mapping[str, object]) -> str:
    """Refuse the names the pre-generation hook would refuse, while
    cookiecutter renders ``__check_names``: right after the questions, before
    it creates the project folder (and any parent a slug like ``a/b`` asks
    for), which a refusing hook would leave behind."""
    hook = runpy.run_path(str(Path(__file__).parent / "hooks" / "pre_gen_project.py"))
    problem_with = hook["problem_with"]
    problem = problem_with(
        str(answers["bot_slug"]),
        str(answers["package_name"]),
        str(answers.get("bot_handle") or ""),
    )
    if problem:
        raise UnusableName(problem)
    return "yes"
