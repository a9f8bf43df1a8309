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


def fake_bot(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project in ``folder`` whose bot prints the arguments it got; the
    app keys in the environment, as the quick start sets them."""
    package = folder / "sandbox-bot" / "src" / "sandbox_bot"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text("import sys\nprint('bot got', sys.argv[1:])\n")
    monkeypatch.setenv("TWITTER_CONSUMER_KEY", "sandbox-api-key")
    monkeypatch.setenv("TWITTER_CONSUMER_SECRET", "sandbox-api-secret")
    return package.parent.parent


@pytest.mark.parametrize("folder", ["plain", "with:colon"])
def test_the_first_post_runs_the_bot_wherever_the_clone_is(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    folder: str,
) -> None:
    project = fake_bot(tmp_path / folder, monkeypatch)

    assert quickstart.first_post(project) is True
    assert capfd.readouterr().out.endswith(
        "$ python -m sandbox_bot whoami\nbot got ['whoami']\n"
        "$ python -m sandbox_bot run\nbot got ['run']\n"
    )


@pytest.mark.parametrize("earlier", [True, False], ids=["earlier-posts", "fresh"])
def test_the_first_post_forgets_the_posts_of_an_earlier_quick_start(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    earlier: bool,
) -> None:
    """Generated again into build/, the bot would keep an earlier posted.jsonl,
    and `run` would not make the first post of posts.txt."""
    project = fake_bot(tmp_path, monkeypatch)
    ledger = project / "posted.jsonl"
    if earlier:
        ledger.write_text('{"id": "1", "text": "Hello", "posted_at": "2026-01-01"}\n')

    assert quickstart.first_post(project) is True
    out = capfd.readouterr().out
    assert not ledger.exists()
    said = f"(Removed {ledger}: its posts were on an earlier sandbox.)"
    assert (said in out) == earlier


@pytest.fixture
def quickstart_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings run() sets in os.environ are undone after the test."""
    for name in ("API_BASE_URL", "CONSUMER_KEY", "CONSUMER_SECRET"):
        # delenv alone records nothing to undo for a variable that is not
        # set, so set it first to have it restored.
        monkeypatch.setenv(f"TWITTER_{name}", "before the quick start")
        monkeypatch.delenv(f"TWITTER_{name}")


@pytest.fixture
def sandbox_port(request: pytest.FixtureRequest, busy_port: int) -> int:
    """The port the quick start is asked for: another program's, or a free one
    (0: the system picks it, so no other program can take it first)."""
    return busy_port if request.param == "busy" else 0


@pytest.mark.usefixtures("quickstart_environment")
@pytest.mark.parametrize("sandbox_port", ["busy", "free"], indirect=True)
def test_the_last_advice_starts_the_sandbox_where_the_bot_looks_for_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sandbox_port: int,
) -> None:
    """The bot's .env keeps the sandbox's URL, so the sandbox started again
    must listen on the same port, whichever the quick start ended up using."""
    monkeypatch.setattr(quickstart, "generate_auto", lambda: tmp_path / "sandbox-bot")
    monkeypatch.setattr(quickstart, "first_post", lambda project: True)

    assert quickstart.run(auto=True, port=sandbox_port) == 0

    used = os.environ["TWITTER_API_BASE_URL"].rsplit(":", 1)[1]  # as in the .env
    advice = capsys.readouterr().out.splitlines()[-1]
    assert f"start it again (.venv/bin/python -m sandbox --port {used})" in advice
    assert "`sandbox-bot auth`" in advice


@pytest.mark.usefixtures("quickstart_environment")
@pytest.mark.parametrize("posted", [True, False], ids=["posted", "failed"])
def test_after_the_first_post_the_advice_names_run_next_to_post(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    posted: bool,
) -> None:
    monkeypatch.setattr(quickstart, "generate_auto", lambda: tmp_path / "sandbox-bot")
    monkeypatch.setattr(quickstart, "first_post", lambda project: posted)

    assert quickstart.run(auto=True, port=0) == (0 if posted else 1)

    out = capsys.readouterr().out
    advice = (
        "More posts: `sandbox-bot run` posts the next post of posts.txt when it "
        "is due, `sandbox-bot run --every 0` posts it now, and "
        '`sandbox-bot post "TEXT"` posts any text.\n'
    )
    assert (advice in out) == posted
