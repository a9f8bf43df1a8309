"""Fixtures shared by the template's own tests: the template, baking, running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parent.parent

Bake = Callable[..., Path]
Run = Callable[..., "subprocess.CompletedProcess[str]"]


def clean_environ(**extra: str) -> dict[str, str]:
    """The current environment without any bot credentials or settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("TWITTER_")
        and name not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def template_dir() -> Path:
    """The template repository's root (holds cookiecutter.json)."""
    return TEMPLATE_DIR


@pytest.fixture(scope="session")
def cookiecutter_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cookiecutter user config that keeps replay files out of the real home."""
    home = tmp_path_factory.mktemp("cookiecutter-home")
    config = home / "config.yaml"
    # JSON strings are valid YAML scalars, whatever the path holds.
    config.write_text(
        f"cookiecutters_dir: {json.dumps(str(home / 'templates'))}\n"
        f"replay_dir: {json.dumps(str(home / 'replay'))}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="session")
def cli_env(cookiecutter_config: Path) -> dict[str, str]:
    """Environment for subprocesses: no credentials, isolated cookiecutter config."""
    return clean_environ(COOKIECUTTER_CONFIG=str(cookiecutter_config))


@pytest.fixture(scope="session")
def bake_into(template_dir: Path, cookiecutter_config: Path) -> Callable[..., Path]:
    """``bake_into(output_dir, **answers)``: generate a project, return its path.

    Uses cookiecutter's Python API with ``no_input``; ``authorize_now`` is
    false unless given, and no TWITTER_* variable reaches the hooks.
    """

    def bake(output_dir: Path, **answers: Any) -> Path:
        context: dict[str, Any] = {"authorize_now": False, **answers}
        with pytest.MonkeyPatch.context() as patch:
            for name in list(os.environ):
                if name.startswith("TWITTER_"):
                    patch.delenv(name)
            project = cookiecutter(
                str(template_dir),
                no_input=True,
                output_dir=str(output_dir),
                extra_context=context,
                config_file=str(cookiecutter_config),
            )
        return Path(project)

    return bake


@pytest.fixture
def bake(bake_into: Callable[..., Path], tmp_path: Path) -> Bake:
    """``bake(**answers)``: generate a project under ``tmp_path``, return its path."""

    def bake_here(**answers: Any) -> Path:
        return bake_into(tmp_path, **answers)

    return bake_here


@pytest.fixture(scope="session")
def run() -> Run:
    """``run(cmd, cwd=..., timeout=..., ...)``: a subprocess with a hard timeout.

    The command runs in its own process group, which is killed as a whole on
    timeout (a hook's children would otherwise keep the pipes open), and the
    test fails saying what hung.
    """

    def run_command(
        cmd: Sequence[str | os.PathLike[str]],
        *,
        cwd: str | os.PathLike[str],
        timeout: float,
        env: dict[str, str] | None = None,
        stdin: int | None = subprocess.DEVNULL,
        input_text: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
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

    return run_command
