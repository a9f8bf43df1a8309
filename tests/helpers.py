"""Constants and functions that several of the template's test files use."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import pytest
from pytest_cookies.plugin import Result

TEMPLATE_DIR = Path(__file__).resolve().parent.parent

CREDENTIAL_NAMES = (
    "TWITTER_CONSUMER_KEY",
    "TWITTER_CONSUMER_SECRET",
    "TWITTER_ACCESS_TOKEN",
    "TWITTER_ACCESS_TOKEN_SECRET",
)


def clean_environ(**extra: str) -> dict[str, str]:
    """The current environment without any bot credentials or settings, and
    without what would point a child Python at this test run's packages."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("TWITTER_")
        and name not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env.update(extra)
    return env


def write_cookiecutter_config(folder: Path) -> Path:
    """A cookiecutter user config keeping its replay files in ``folder/replay``."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.yaml"
    # JSON strings are valid YAML scalars, whatever the path holds.
    config.write_text(
        f"cookiecutters_dir: {json.dumps(str(folder / 'templates'))}\n"
        f"replay_dir: {json.dumps(str(folder / 'replay'))}\n",
        encoding="utf-8",
    )
    return config


def project_of(result: Result) -> Path:
    """The folder of a project baked with pytest-cookies, which must have worked."""
    assert result.exit_code == 0, result.exception
    assert result.exception is None, result.exception
    return result.project_path


def load_hook(name: str) -> ModuleType:
    """``hooks/<name>.py``, imported from its unrendered source."""
    path = TEMPLATE_DIR / "hooks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str],
    timeout: float,
    env: dict[str, str] | None = None,
    stdin: int | IO[Any] | None = subprocess.DEVNULL,
    input_text: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing its output as text, with a hard timeout.

    The command runs in its own process group, which is killed as a whole on
    timeout (a hook's children would otherwise keep the pipes open), and the
    test fails saying what hung.
    """
    args = [os.fspath(part) for part in cmd]
    process = subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if input_text is not None else stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(input_text, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(
            f"{' '.join(args)} did not finish within {timeout} s\n"
            f"--- stdout\n{stdout}\n--- stderr\n{stderr}"
        )
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def git(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(["git", *args], cwd=project, timeout=60)
