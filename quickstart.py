#!/usr/bin/env python3
"""From nothing to a first post, against the sandbox: no X account needed.

    python3 quickstart.py          # you answer the questions and type the PIN
    python3 quickstart.py --auto   # everything answered for you (CI runs this)

It sets up .venv with the template's requirements, starts the sandbox (a
stand-in for X on this computer), generates a bot into build/ with
cookiecutter, authorizes it with the PIN flow and makes its first post with
the bot's `run`, which posts the first post of the bot's posts.txt.
"""

from __future__ import annotations

import argparse
import os
import runpy
import shlex
import subprocess
import sys
import venv
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from sandbox import Sandbox  # imported once .venv has its requirements

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements-dev.txt"
BUILD = ROOT / "build"
LEDGER_FILE = "posted.jsonl"  # the bot's memory of what it posted
AUTO_BOT_NAME = "Sandbox Bot"
# What the quick start imports once in .venv: the sandbox (which judges posts
# with the bot's own length rule), cookiecutter and pexpect.
SELF_TEST = "import cookiecutter.main, pexpect, sandbox.routes"
# Runs the bot's package from src/ (argv: src, package, arguments), written
# once in the post-gen hook. Loading the hook runs only its imports and
# definitions: its Jinja and its work sit under `if __name__ == "__main__"`.
RUN_FROM_SOURCE: str = runpy.run_path(str(ROOT / "hooks" / "post_gen_project.py"))[
    "RUN_FROM_SOURCE"
]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> bool:
    """Create .venv with the requirements once; re-install when they change.

    The set-up is recorded as done only once the quick start's own imports
    work in it, so a broken environment is repaired on the next run.
    """
    stamp = VENV / ".requirements-installed"
    if stamp.exists() and stamp.read_bytes() == REQUIREMENTS.read_bytes():
        return True
    stamp.unlink(missing_ok=True)
    print("Setting up .venv with the template's requirements (once)...", flush=True)
    if not venv_python().exists():
        venv.create(VENV, with_pip=True)
    steps = [
        [venv_python(), "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS],
        [venv_python(), "-c", SELF_TEST],
    ]
    for step in steps:
        if subprocess.run(step, cwd=ROOT).returncode != 0:
            print("error: setting up .venv failed (see above); nothing recorded.")
            return False
    stamp.write_bytes(REQUIREMENTS.read_bytes())
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--auto", action="store_true", help="answer everything (no browser needed)"
    )
    parser.add_argument("--port", type=int, default=8765, help="sandbox port")
    args = parser.parse_args(argv)

    if Path(sys.prefix).resolve() != VENV.resolve():
        if not ensure_venv():
            return 1
        python = str(venv_python())
        os.execv(python, [python, str(Path(__file__).resolve()), *argv])
    return run(args.auto, args.port)


def run(auto: bool, port: int) -> int:
    sandbox = start_sandbox(port)
    os.environ.update(
        TWITTER_API_BASE_URL=sandbox.base_url,
        TWITTER_CONSUMER_KEY=sandbox.consumer_key,
        TWITTER_CONSUMER_SECRET=sandbox.consumer_secret,
    )
    print(f"The X sandbox is running at {sandbox.base_url}")
    print("Its app keys are set in the environment, so you are not asked for them.")
    try:
        project = generate_auto() if auto else generate_interactive()
        if project is None:
            return 1
        posted = first_post(project)
        print(f"\nYour bot is in {project}; its posts are on {sandbox.base_url}/")
        if posted:
            print(more_commands(project.name))
        if posted and not auto:
            print("The sandbox stays up for more tries; Ctrl-C stops it.")
            wait_for_ctrl_c()
        # The bot's .env keeps this URL: a sandbox started again must use its port.
        port = urlsplit(sandbox.base_url).port
        print(
            "The sandbox has stopped, and with it the bot's tokens: it keeps "
            "everything in memory. To try more, start it again (.venv/bin/python "
            f"-m sandbox --port {port}) and authorize the bot again with "
            f"`{project.name} auth`."
        )
        return 0 if posted else 1
    finally:
        sandbox.stop()


def start_sandbox(port: int) -> Sandbox:
    """The sandbox on ``port``; on a free port, said so, when that one is taken."""
    from sandbox import Sandbox

    try:
        return Sandbox(port=port).start()
    except OSError as error:
        sandbox = Sandbox(port=0).start()
        print(
            f"Port {port} is not free ({error.strerror}; another sandbox?), "
            f"so this sandbox runs at {sandbox.base_url} instead."
        )
        return sandbox


def generate_interactive() -> Path | None:
    from cookiecutter.main import cookiecutter

    print("\nAnswer the questions (Enter keeps the default). When the bot shows a")
    print("link, open it in a browser, click 'Authorize app' and type the PIN.")
    print("No browser here? Stop with Ctrl-C and run: python3 quickstart.py --auto\n")
    try:
        return Path(
            cookiecutter(str(ROOT), output_dir=str(BUILD), overwrite_if_exists=True)
        )
    except KeyboardInterrupt:
        print("\nStopped.")
        return None


def generate_auto() -> Path | None:
    """Run cookiecutter in a terminal and answer the PIN prompt as a person would."""
    import pexpect

    from sandbox.person import approve

    command = [
        "-m", "cookiecutter", "--no-input", "--overwrite-if-exists", str(ROOT),
        "--output-dir", str(BUILD), f"bot_name={AUTO_BOT_NAME}",
    ]  # fmt: skip
    child = pexpect.spawn(sys.executable, command, encoding="utf-8", timeout=120)
    child.logfile_read = sys.stdout
    child.expect(r"(http://\S+/oauth/authorize\?\S+)")
    pin = approve(child.match.group(1))
    child.expect("PIN: ")
    print(f"\n[quickstart: the page showed PIN {pin}; typing it]")
    child.sendline(pin)
    child.expect(pexpect.EOF)
    child.close()
    if child.exitstatus != 0:
        print(f"cookiecutter failed with exit code {child.exitstatus}")
        return None
    return BUILD / "sandbox-bot"


def first_post(project: Path) -> bool:
    """Post as the new bot, with its own command line: ``run`` posts the
    first post of its posts.txt."""
    package = next(path.name for path in (project / "src").iterdir() if path.is_dir())
    environment = dict(os.environ)
    for name in ("TWITTER_CONSUMER_KEY", "TWITTER_CONSUMER_SECRET"):
        environment.pop(name)  # from here on, the bot's .env has everything
    # Generating again into build/ keeps a posted.jsonl an earlier quick start
    # wrote; its posts were on a sandbox that has stopped, and with it `run`
    # would find the first post made already (or nothing left to post).
    ledger = project / LEDGER_FILE
    if ledger.exists():
        ledger.unlink()
        print(f"\n(Removed {ledger}: its posts were on an earlier sandbox.)")
    print(f"\n$ cd {project}")
    for arguments in (["whoami"], ["run"]):
        print(f"$ python -m {package} {shlex.join(arguments)}", flush=True)
        command = [sys.executable, "-c", RUN_FROM_SOURCE, str(project / "src")]
        result = subprocess.run(
            [*command, package, *arguments], cwd=project, env=environment
        )
        if result.returncode != 0:
            return False
    return True


def more_commands(command: str) -> str:
    """What to try next with the bot's command (once its .venv is active)."""
    return (
        f"More posts: `{command} run` posts the next post of posts.txt when it "
        f"is due, `{command} run --every 0` posts it now, and "
        f'`{command} post "TEXT"` posts any text.'
    )


def wait_for_ctrl_c() -> None:
    import threading

    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
