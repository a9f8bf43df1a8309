"""The quick start records its set-up as done only when the set-up works."""

from __future__ import annotations

from pathlib import Path

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
