"""The quick start: its set-up, its sandbox's port, running the new bot."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import quickstart


@pytest.fixture
def setup_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the quick start at a .venv and requirements file in ``tmp_path``."""
    requirements = tmp_path / "requirements-dev.txt"
    requirements.write_text("# nothing to install\n")
    monkeypatch.setattr(quickstart, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(quickstart, "REQUIREMENTS", requirements)
    return tmp_path / ".venv" / ".requirements-installed"


def test_a_broken_environment_is_not_recorded_and_is_repaired_next_time(
    setup_in: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(quickstart, "SELF_TEST", "import module_that_is_missing")

    assert quickstart.ensure_venv() is False
    assert not setup_in.exists()
    assert "nothing recorded" in capsys.readouterr().out

    monkeypatch.setattr(quickstart, "SELF_TEST", "pass")  # the install now works
    assert quickstart.ensure_venv() is True
    assert setup_in.read_text() == "# nothing to install\n"
    assert quickstart.ensure_venv() is True  # recorded: nothing to do


def test_the_real_self_test_passes_in_this_environment() -> None:
    """What the quick start checks in .venv holds where the tests run."""
    namespace: dict[str, object] = {}
    exec(quickstart.SELF_TEST, namespace)


def test_a_taken_port_moves_the_sandbox_and_says_where(
    busy_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox = quickstart.start_sandbox(busy_port)
    try:
        out = capsys.readouterr().out
        assert sandbox.base_url != f"http://127.0.0.1:{busy_port}"
        assert f"Port {busy_port} is not free" in out
        assert f"runs at {sandbox.base_url} instead" in out
    finally:
        sandbox.stop()


def test_a_free_port_is_used_without_a_word(capsys: pytest.CaptureFixture[str]) -> None:
    # Port 0 is always free (the system picks one), where a port found free a
    # moment ago may be taken by another program before the sandbox binds it.
    sandbox = quickstart.start_sandbox(0)
    try:
        port = urlsplit(sandbox.base_url).port
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # the URL names the port the sandbox listens on
        assert capsys.readouterr().out == ""
    finally:
        sandbox.stop()


@pytest.mark.parametrize("folder", ["plain", "with:colon"])
def test_the_first_post_runs_the_bot_wherever_the_clone_is(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    folder: str,
) -> None:
    package = tmp_path / folder / "sandbox-bot" / "src" / "sandbox_bot"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text("import sys\nprint('bot got', sys.argv[1:])\n")
    monkeypatch.setenv("TWITTER_CONSUMER_KEY", "sandbox-api-key")
    monkeypatch.setenv("TWITTER_CONSUMER_SECRET", "sandbox-api-secret")

    assert quickstart.first_post(package.parent.parent) is True
    out = capfd.readouterr().out
    assert "bot got ['whoami']" in out
    assert "bot got ['post', 'Hello from sandbox_bot, via the sandbox!']" in out


@pytest.fixture
def sandbox_port(request: pytest.FixtureRequest, busy_port: int) -> int:
    """The port the quick start is asked for: another program's, or a free one
    (0: the system picks it, so no other program can take it first)."""
    return busy_port if request.param == "busy" else 0


@pytest.mark.parametrize("sandbox_port", ["busy", "free"], indirect=True)
def test_the_last_advice_starts_the_sandbox_where_the_bot_looks_for_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sandbox_port: int,
) -> None:
    """The bot's .env keeps the sandbox's URL, so the sandbox started again
    must listen on the same port, whichever the quick start ended up using."""
    for name in ("API_BASE_URL", "CONSUMER_KEY", "CONSUMER_SECRET"):
        # run() sets them in os.environ; delenv alone records nothing to undo
        # for a variable that is not set, so set it first to have it restored.
        monkeypatch.setenv(f"TWITTER_{name}", "before the quick start")
        monkeypatch.delenv(f"TWITTER_{name}")
    monkeypatch.setattr(quickstart, "generate_auto", lambda: tmp_path / "sandbox-bot")
    monkeypatch.setattr(quickstart, "first_post", lambda project: True)

    assert quickstart.run(auto=True, port=sandbox_port) == 0

    used = os.environ["TWITTER_API_BASE_URL"].rsplit(":", 1)[1]  # as in the .env
    advice = capsys.readouterr().out.splitlines()[-1]
    assert f"start it again (.venv/bin/python -m sandbox --port {used})" in advice
    assert "`sandbox-bot auth`" in advice
