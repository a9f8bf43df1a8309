"""The whole journey in a pseudo-terminal: cookiecutter, the PIN flow, a post.

Each test runs cookiecutter as a person would, against the sandbox, reads the
PIN from the sandbox's authorize page (sandbox.person.approve) and checks what
the person sees and what ends up on disk. The sandbox accepts a signature only
for the URL the request was sent to, as an OAuth server does: the bot must
sign for where it sends.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import venv
from pathlib import Path

import pexpect
import pytest
from helpers import TEMPLATE_DIR, clean_environ, git, run, write_cookiecutter_config

from sandbox import Sandbox
from sandbox.person import approve

LINK = r"(http://127\.0\.0\.1:\d+/oauth/authorize\?\S+)"
AUTH_COMMAND = re.compile(r"acme-bot auth(?: --[\w=@-]+)*")


def auth_commands(seen: str) -> set[str]:
    """The different ways of running `auth` the person was told about."""
    return set(AUTH_COMMAND.findall(seen))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The folder of cookiecutter's user config; its replay files are inspected."""
    return tmp_path / "home"


@pytest.fixture
def environment(strict_sandbox: Sandbox, home: Path) -> dict[str, str]:
    return clean_environ(
        COOKIECUTTER_CONFIG=str(write_cookiecutter_config(home)),
        TWITTER_API_BASE_URL=strict_sandbox.base_url,
        TERM="dumb",
    )


def with_app_keys(environment: dict[str, str], sandbox: Sandbox) -> None:
    """The app's key and secret in the environment: the hook does not ask."""
    environment.update(
        TWITTER_CONSUMER_KEY=sandbox.consumer_key,
        TWITTER_CONSUMER_SECRET=sandbox.consumer_secret,
    )


def spawn_cookiecutter(
    out: Path, env: dict[str, str], *answers: str, python: str = sys.executable
) -> pexpect.spawn:
    arguments = ["-m", "cookiecutter", "--no-input", str(TEMPLATE_DIR), "-o", str(out)]
    return pexpect.spawn(
        python,
        [*arguments, "bot_name=Acme Bot", *answers],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )


def finish(child: pexpect.spawn) -> str:
    """Wait for the end; return everything the person saw after the last expect."""
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def give_pin(child: pexpect.spawn, username: str = "acme_bot") -> None:
    child.expect(LINK)
    pin = approve(child.match.group(1), username=username)
    child.expect("PIN: ")
    child.sendline(pin)


def env_file_values(project: Path) -> dict[str, str]:
    lines = (project / ".env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def run_bot(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return run(
        [sys.executable, "-m", "acme_bot", *arguments],
        cwd=project,
        env=clean_environ(PYTHONPATH=str(project / "src")),
        timeout=60,
    )


def assert_project_kept_without_env(project: Path, seen: str) -> None:
    """Authorization failed: the project stays, no .env, no traceback."""
    assert "Traceback" not in seen
    assert (project / "pyproject.toml").exists()
    assert not (project / ".env").exists()


def test_typed_app_keys_and_right_pin_give_a_working_private_env(
    tmp_path: Path, strict_sandbox: Sandbox, environment: dict[str, str], home: Path
) -> None:
    child = spawn_cookiecutter(tmp_path, environment, "bot_handle=acme_bot")
    child.expect("API key: ")
    child.sendline(strict_sandbox.consumer_key)
    child.expect(r"API key secret \(not shown\): ")
    child.sendline(strict_sandbox.consumer_secret)
    seen = child.before
    child.expect(LINK)
    link = child.match.group(1)
    assert "force_login=true" in link and "screen_name=acme_bot" in link
    seen += child.before + link
    child.expect("PIN: ")
    child.sendline(approve(link, username="acme_bot"))
    seen += finish(child)

    assert child.exitstatus == 0
    assert "Authorized as @acme_bot" in seen
    assert "where @acme_bot is logged in" in seen
    assert strict_sandbox.consumer_secret not in seen  # read without echo

    project = tmp_path / "acme-bot"
    values = env_file_values(project)
    assert values["TWITTER_CONSUMER_KEY"] == strict_sandbox.consumer_key
    assert values["TWITTER_CONSUMER_SECRET"] == strict_sandbox.consumer_secret
    assert values["TWITTER_ACCESS_TOKEN"] and values["TWITTER_ACCESS_TOKEN_SECRET"]
    assert values["TWITTER_API_BASE_URL"] == strict_sandbox.base_url
    assert stat.S_IMODE((project / ".env").stat().st_mode) == 0o600
    assert not list(project.glob(".env.*.tmp"))

    assert git(project, "check-ignore", "-q", ".env").returncode == 0
    assert ".env\n" not in git(project, "ls-files").stdout
    for secret in values.values():
        if secret.startswith("http"):
            continue
        assert secret not in seen or secret == strict_sandbox.consumer_key
        for path in (home / "replay").rglob("*"):
            if path.is_file():
                assert secret not in path.read_text()

    whoami = run_bot(project, "whoami")
    assert (whoami.returncode, whoami.stdout) == (0, "@acme_bot\n")
    posted = run_bot(project, "post", "Hello from the sandbox")
    assert posted.returncode == 0, posted.stderr
    sandbox_link = rf"Posted (\d+): {re.escape(strict_sandbox.base_url)}/i/status/\1\n"
    assert re.fullmatch(sandbox_link, posted.stdout)
    assert [p["text"] for p in strict_sandbox.posts] == ["Hello from the sandbox"]


def test_wrong_pin_is_asked_again_with_a_fresh_link(
    tmp_path: Path, strict_sandbox: Sandbox, environment: dict[str, str]
) -> None:
    with_app_keys(environment, strict_sandbox)
    child = spawn_cookiecutter(tmp_path, environment)
    child.expect(LINK)
    first_link = child.match.group(1)
    child.expect("PIN: ")
    child.sendline("0000000")
    child.expect("did not accept that PIN")
    child.expect(LINK)
    second_link = child.match.group(1)
    assert second_link != first_link
    child.expect("PIN: ")
    child.sendline(approve(second_link))
    seen = finish(child)

    assert child.exitstatus == 0
    assert "Authorized as @sandbox_bot" in seen
    assert (tmp_path / "acme-bot" / ".env").exists()


def test_rejected_app_key_keeps_the_project_and_says_how_to_fix_it(
    tmp_path: Path, strict_sandbox: Sandbox, environment: dict[str, str]
) -> None:
    environment.update(
        TWITTER_CONSUMER_KEY="fake-unknown-api-key",
        TWITTER_CONSUMER_SECRET="fake-unknown-api-secret",
    )
    child = spawn_cookiecutter(tmp_path, environment)
    seen = finish(child)

    assert child.exitstatus == 0
    assert "rejected the app's API key and secret" in seen
    # One command to finish with, in the error and in the next steps alike.
    assert auth_commands(seen) == {"acme-bot auth --new-app-keys"}
    assert "  acme-bot auth --new-app-keys " in seen.split("Next steps:")[1]
    assert "fake-unknown-api-secret" not in seen
    assert_project_kept_without_env(tmp_path / "acme-bot", seen)


def test_app_without_a_callback_url_is_told_how_to_set_one(
    tmp_path: Path, strict_sandbox: Sandbox, environment: dict[str, str]
) -> None:
    strict_sandbox.callback_url_set = False
    with_app_keys(environment, strict_sandbox)
    child = spawn_cookiecutter(tmp_path, environment)
    seen = finish(child)

    assert child.exitstatus == 0
    assert "callback URL not approved" in seen
    assert "User authentication settings" in seen
    assert auth_commands(seen) == {"acme-bot auth"}
    assert "  acme-bot auth " in seen.split("Next steps:")[1]
    assert_project_kept_without_env(tmp_path / "acme-bot", seen)


def test_end_of_input_at_the_pin_prompt_saves_nothing(
    tmp_path: Path, strict_sandbox: Sandbox, environment: dict[str, str]
) -> None:
    with_app_keys(environment, strict_sandbox)
    child = spawn_cookiecutter(tmp_path, environment)
    child.expect("PIN: ")
    child.sendeof()
    seen = finish(child)

    assert child.exitstatus == 0
    assert "end of input" in seen and "nothing was saved" in seen
    assert_project_kept_without_env(tmp_path / "acme-bot", seen)


def test_ctrl_c_at_the_pin_prompt_keeps_the_project_without_env(
    tmp_path: Path, strict_sandbox: Sandbox, environment: dict[str, str]
) -> None:
    with_app_keys(environment, strict_sandbox)
    child = spawn_cookiecutter(tmp_path, environment)
    child.expect("PIN: ")
    child.sendintr()
    seen = finish(child)

    assert "interrupted" in seen.lower()
    assert_project_kept_without_env(tmp_path / "acme-bot", seen)
    assert not list((tmp_path / "acme-bot").glob(".env*.tmp"))


def test_auth_again_updates_env_in_place_and_keeps_other_lines(
    tmp_path: Path, strict_sandbox: Sandbox, environment: dict[str, str]
) -> None:
    child = spawn_cookiecutter(tmp_path, environment, "authorize_now=no")
    finish(child)
    project = tmp_path / "acme-bot"
    (project / ".env").write_text(
        "# my settings\n"
        "BOT_GREETING=hello\n"
        f"TWITTER_CONSUMER_KEY={strict_sandbox.consumer_key}\n"
        f"TWITTER_CONSUMER_SECRET={strict_sandbox.consumer_secret}\n"
        "TWITTER_ACCESS_TOKEN=fake-old-revoked-token\n"
        "TWITTER_ACCESS_TOKEN_SECRET=fake-old-revoked-token-secret\n"
    )
    (project / ".env").chmod(0o644)

    env = dict(environment, PYTHONPATH=str(project / "src"))
    auth = pexpect.spawn(
        sys.executable,
        ["-m", "acme_bot", "auth"],
        cwd=str(project),
        env=env,
        encoding="utf-8",
        timeout=30,
    )
    auth.expect(r"Using the app's API key \.\.\.")
    give_pin(auth)
    seen = finish(auth)

    assert auth.exitstatus == 0, seen
    assert "Authorized as @acme_bot" in seen
    text = (project / ".env").read_text()
    assert text.startswith("# my settings\nBOT_GREETING=hello\n")
    assert "fake-old-revoked-token" not in text
    assert stat.S_IMODE((project / ".env").stat().st_mode) == 0o600
    assert run_bot(project, "whoami").stdout == "@acme_bot\n"


@pytest.mark.slow
@pytest.mark.parametrize("installer", ["pip", "uv"])
def test_cookiecutter_without_tweepy_sets_up_the_bots_venv(
    tmp_path: Path, strict_sandbox: Sandbox, environment: dict[str, str], installer: str
) -> None:
    """Like `pipx run cookiecutter` or `uvx cookiecutter`: no tweepy at hand."""
    tools = tmp_path / "tools"
    venv.create(tools, with_pip=True)
    python = str(tools / "bin" / "python")
    packages = ["cookiecutter"] + (["uv"] if installer == "uv" else [])
    subprocess.run([python, "-m", "pip", "install", "--quiet", *packages], check=True)
    probe = subprocess.run([python, "-c", "import tweepy"], capture_output=True)
    assert probe.returncode != 0  # the point of this test
    path = [p for p in environment["PATH"].split(os.pathsep) if p]
    path = [p for p in path if not (Path(p) / "uv").exists()]  # only ours
    if installer == "uv":
        path.insert(0, str(tools / "bin"))
    environment["PATH"] = os.pathsep.join(path)

    with_app_keys(environment, strict_sandbox)
    out = tmp_path / "out"
    child = spawn_cookiecutter(out, environment, python=python)
    child.timeout = 300  # installs the bot's dependencies
    child.expect(r"Setting up \.venv")
    give_pin(child)
    seen = finish(child)

    assert child.exitstatus == 0, seen
    assert "Authorized as @acme_bot" in seen
    project = out / "acme-bot"
    bot = project / ".venv" / "bin" / "acme-bot"
    assert bot.exists()
    made_by_uv = "uv = " in (project / ".venv" / "pyvenv.cfg").read_text()
    assert made_by_uv == (installer == "uv")
    # The printed step installs the test tools into the bot's .venv, which
    # has no pip when uv made it.
    install = {
        "pip": ".venv/bin/pip install -e '.[test]'",
        "uv": "uv pip install --python .venv -e '.[test]'",
    }[installer]
    assert f"  {install} " in seen.split("Next steps:")[1]
    installed = run(
        ["sh", "-c", install],
        cwd=project,
        env=clean_environ(PATH=environment["PATH"]),
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    assert (project / ".venv" / "bin" / "pytest").exists()

    # The bot's README, "Try it without X": the bot's own Python runs the
    # sandbox from the template's folder.
    with subprocess.Popen(
        [project / ".venv" / "bin" / "python", "-m", "sandbox", "--port", "0"],
        cwd=TEMPLATE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as sandbox:
        assert sandbox.stdout is not None
        first_line = sandbox.stdout.readline()
        sandbox.kill()
    assert first_line.startswith("X sandbox running at http://127.0.0.1:"), first_line
    result = run(
        [bot, "post", "posted from the bot's own venv"],
        cwd=project,
        env=clean_environ(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert strict_sandbox.posts[-1]["text"] == "posted from the bot's own venv"


def test_run_posts_the_example_posts_once_each_when_due(
    tmp_path: Path, strict_sandbox: Sandbox, environment: dict[str, str]
) -> None:
    """A new bot's `run`, as cron or CI starts it: the first post of posts.txt,
    then nothing until the next is due, then each post once, then no more."""
    with_app_keys(environment, strict_sandbox)
    child = spawn_cookiecutter(tmp_path, environment)
    give_pin(child)
    seen = finish(child)
    assert child.exitstatus == 0, seen
    project = tmp_path / "acme-bot"
    examples = [
        "Hello, world! I am a bot, and this is my first post.",
        "Did you know? A post on X may weigh 280: a link counts 23,\n"
        "an emoji or a CJK character 2, most other characters 1.",
    ]

    def run_step(*arguments: str) -> tuple[str, list[tuple[str, str]]]:
        """What `run` printed, and the requests it sent to the sandbox."""
        before = len(strict_sandbox.requests)
        result = run_bot(project, "run", *arguments)
        assert (result.returncode, result.stderr) == (0, "")
        return result.stdout, strict_sandbox.requests[before:]

    sandbox_link = rf"Posted (\d+): {re.escape(strict_sandbox.base_url)}/i/status/\1\n"
    out, sent = run_step()
    assert re.fullmatch(sandbox_link, out), out
    assert sent == [("POST", "/2/tweets")]
    assert [post["text"] for post in strict_sandbox.posts] == examples[:1]
    ledger = (project / "posted.jsonl").read_text().splitlines()
    assert len(ledger) == 1
    assert f'"id": "{strict_sandbox.posts[0]["id"]}"' in ledger[0]

    out, sent = run_step()
    assert out.startswith("Not due: the next post is due on "), out
    assert out.endswith("(every 1 day); nothing was sent.\n")
    assert sent == []

    out, sent = run_step("--every", "0")
    assert re.fullmatch(sandbox_link, out), out
    assert sent == [("POST", "/2/tweets")]
    assert [post["text"] for post in strict_sandbox.posts] == examples

    out, sent = run_step("--every", "0")  # the third and last example post
    assert re.fullmatch(sandbox_link, out), out
    out, sent = run_step("--every", "0")
    assert out.startswith("Nothing to post: "), out
    assert out.endswith("; nothing was sent.\n")
    assert sent == []
    assert len(strict_sandbox.posts) == 3
    assert len((project / "posted.jsonl").read_text().splitlines()) == 3
