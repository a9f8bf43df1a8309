"""The ``{{ cookiecutter.bot_slug }}`` command: post, run, whoami, auth, doctor, guard.

Each failure is one line on stderr and an exit code: 0 done, 1 X refused or
failed (or guard stopped a commit), 2 bad usage, input or configuration.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .auth import authorize, import_credentials
from .client import Client
from .credentials import (
    BOT_HANDLE,
    COMMAND,
    current_folder,
    load_settings,
    project_env_file,
)
from .errors import BotError, InputError, TextLengthError, printable
from .length import MAX_CHARACTERS, MAX_WEIGHTED_LENGTH
from .media import Media
from .posting import Part, Posted, post_thread
from .posts_queue import read_thread
from .prices import price_line
from .running import preview, run
from .safety.doctor import diagnose, report
from .safety.guard import guard
from .schedule import parse_every


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Post to X as the bot account authorized in .env.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    env_file = argparse.ArgumentParser(add_help=False)
    env_file.add_argument(
        "--env-file",
        metavar="PATH",
        help="read credentials from PATH (default: .env here or in a parent folder)",
    )

    post = commands.add_parser(
        "post", parents=[env_file], help="post TEXT as the bot; several make a thread"
    )
    post.add_argument(
        "texts",
        nargs="*",
        metavar="TEXT",
        help="the text to post; - reads stdin; several TEXTs post a thread, "
        "each part replying to the one before",
    )
    post.add_argument(
        "--media",
        "--image",
        "--gif",
        "--video",
        dest="attached",
        action=InOrder,
        metavar="PATH",
        help="attach a picture (JPEG, PNG, WebP, BMP, TIFF), a GIF or a video "
        "(MP4, MOV) to the first post, whichever option names it (the kind is "
        "read from the file); up to 4 pictures, or 1 GIF, or 1 video",
    )
    post.add_argument(
        "--alt",
        dest="attached",
        action=InOrder,
        metavar="TEXT",
        help="the alt text of the --media before it: what a reader who cannot "
        "see it hears instead (at most 1000 characters)",
    )
    post.add_argument(
        "--no-alt",
        action="store_true",
        help="post pictures without alt text, on purpose",
    )
    post.add_argument(
        "--file",
        metavar="PATH",
        help="post the posts in PATH as one thread, written as in posts.txt "
        "(a picture is a line ![alt text](path))",
    )
    post.add_argument(
        "--reply-to", metavar="ID", help="post as a reply to the post with this id"
    )
    post.add_argument(
        "--dry-run",
        action="store_true",
        help="check the text, media, credentials and settings without posting",
    )
    post.set_defaults(run=run_post)

    run = commands.add_parser(
        "run",
        parents=[env_file],
        help="post the bot's next post if one is due (what cron or CI runs)",
    )
    run.add_argument(
        "--every",
        metavar="DURATION",
        help="how often to post: 90s, 30m, 6h, 1d, or 0 for every run "
        "(default: EVERY in bot.py)",
    )
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="say what would be posted, whether it is due and its price; send nothing",
    )
    run.set_defaults(run=run_run)

    whoami = commands.add_parser(
        "whoami", parents=[env_file], help="print the authorized account's @username"
    )
    whoami.set_defaults(run=run_whoami)

    auth = commands.add_parser(
        "auth",
        parents=[env_file],
        help="authorize the bot account (PIN flow) and save .env",
    )
    source = auth.add_mutually_exclusive_group()
    source.add_argument(
        "--new-app-keys",
        action="store_true",
        help="ask for the app's API key and secret again (after regenerating them)",
    )
    source.add_argument(
        "--import",
        dest="import_path",
        metavar="PATH",
        help="take the four credentials from the seed tutorial's tw.json instead",
    )
    auth.add_argument(
        "--handle",
        metavar="@NAME",
        help="the bot account's handle, to prefill X's login (default: the one "
        "given when the bot was generated)",
    )
    auth.set_defaults(run=run_auth)

    doctor = commands.add_parser(
        "doctor",
        parents=[env_file],
        help="check .env, git and the credentials; say how to fix each problem",
    )
    doctor.add_argument(
        "--fix", action="store_true", help="make .env private (mode 0600) if it is not"
    )
    doctor.set_defaults(run=run_doctor)

    guard = commands.add_parser(
        "guard",
        parents=[env_file],
        help="stop a commit whose staged files hold a credential value",
    )
    guard.add_argument(
        "--message-file",
        type=Path,
        metavar="PATH",
        help="check the commit message in PATH instead (the commit-msg hook)",
    )
    guard.set_defaults(run=run_guard)
    return parser


class InOrder(argparse.Action):
    """Keeps ``--media`` and ``--alt`` in the order given, so that each
    ``--alt`` goes with the ``--media`` before it."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        value: object,
        option_string: str | None = None,
    ) -> None:
        given = getattr(namespace, self.dest) or []
        setattr(namespace, self.dest, [*given, (option_string, value)])


def run_post(args: argparse.Namespace) -> int:
    thread = thread_to_post(args)
    progress = ProgressLine()

    def posted(part: Posted) -> None:
        progress.end()
        say(f"Posted {part.id}: {part.url}")

    try:
        post_thread(
            thread,
            reply_to=args.reply_to,
            no_alt=args.no_alt,
            dry_run=args.dry_run,
            settings=load_settings(args.env_file),
            on_posted=posted,
            progress=progress,
        )
    finally:
        progress.end()
    if args.dry_run:
        print(f"Dry run: {dry_run_checked(thread)}; nothing was sent.")
        print(price_line(thread))
    return 0


def dry_run_checked(thread: list[Part]) -> str:
    if len(thread) > 1:
        return (
            f"the thread's {len(thread)} posts, their media and the credentials "
            "are fine"
        )
    if thread[0].media:
        return "the post, its media and the credentials are fine"
    return "the text fits and the credentials are set"


def thread_to_post(args: argparse.Namespace) -> list[Part]:
    """The posts to make: the TEXTs (the media going with the first), or the
    parts in ``--file``."""
    media = media_given(args.attached or [])
    if args.file is not None:
        if args.texts or media:
            raise InputError(
                "give the posts either in --file or on the command line: in the "
                "file, a line ![alt text](path) attaches a picture."
            )
        return read_thread(Path(args.file))
    texts = [read_text(text) for text in args.texts] or ([""] if media else [])
    if not texts:
        raise InputError("give the text to post (or --media, or --file).")
    return [Part(texts[0], media), *(Part(text) for text in texts[1:])]


def media_given(attached: list[tuple[str, str]]) -> list[Media]:
    """The ``--media`` files, each with the ``--alt`` that follows it."""
    media: list[Media] = []
    for option, value in attached:
        if option != "--alt":
            media.append(Media(value))
        elif not media or media[-1].alt is not None:
            raise InputError(
                "each --alt describes the --media just before it: give "
                "--media PATH --alt TEXT."
            )
        else:
            media[-1] = Media(media[-1].path, value)
    return media


class ProgressLine:
    """One line on a terminal's stderr, rewritten as media goes up; nothing
    where nobody watches (cron, CI logs)."""

    def __init__(self) -> None:
        self.width = 0

    def __call__(self, line: str) -> None:
        if sys.stderr.isatty():
            shown = printable(line)
            print(f"\r{shown.ljust(self.width)}", end="", file=sys.stderr, flush=True)
            self.width = len(shown)

    def end(self) -> None:
        if self.width:
            print(file=sys.stderr, flush=True)
            self.width = 0


def run_run(args: argparse.Namespace) -> int:
    every = None if args.every is None else parse_every(args.every)
    settings = load_settings(args.env_file)
    if args.dry_run:
        for line in preview(settings, every=every):
            print(line)
        return 0
    progress = ProgressLine()

    def report(line: str) -> None:
        progress.end()
        say(line)

    try:
        run(settings, every=every, report=report, progress=progress)
    finally:
        progress.end()
    return 0


def read_text(argument: str) -> str:
    """The text to post: the argument itself, or standard input for ``-``.

    Standard input is read only up to what could still fit: normalization
    (NFC) joins at most four code points into one, so longer input is refused
    without reading the rest.
    """
    if argument != "-":
        return argument
    limit = 4 * MAX_CHARACTERS
    try:
        text = sys.stdin.read(limit + 1)
    except UnicodeDecodeError:
        raise InputError("the text on standard input is not UTF-8.") from None
    if len(text.rstrip("\n")) > limit:
        raise TextLengthError(
            f"the text on standard input is too long: over {limit} characters, "
            f"and X allows {MAX_WEIGHTED_LENGTH} weighted: shorten it."
        )
    return text.rstrip("\n")


def say(line: str) -> None:
    """Print ``line``, also when nobody reads standard output any more (a
    closed pipe, a full disk): what it reports has happened, a post was made,
    and the exit code must still say so, or automation would post again."""
    try:
        print(line, flush=True)
    except OSError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run_whoami(args: argparse.Namespace) -> int:
    settings = load_settings(args.env_file)
    account = Client(settings.credentials()).me()
    print(f"@{account.username}")
    return 0


def run_auth(args: argparse.Namespace) -> int:
    env_file = Path(args.env_file).absolute() if args.env_file else project_env_file()
    settings = load_settings(env_file, must_exist=False)
    if args.import_path:
        import_credentials(Path(args.import_path), settings, env_file)
        return 0
    handle = args.handle or BOT_HANDLE or None  # the one given at generation
    authorize(settings, env_file, handle=handle, ask_new_app_keys=args.new_app_keys)
    return 0


def run_doctor(args: argparse.Namespace) -> int:
    return report(diagnose(load_settings(args.env_file), fix=args.fix))


def run_guard(args: argparse.Namespace) -> int:
    return guard(load_settings(args.env_file).env_file, args.message_file)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A path that is not UTF-8 (bytes from argv) is printed, not a traceback.
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        current_folder()  # one line, not a traceback, if it was deleted
        return args.run(args)  # type: ignore[no-any-return]
    except BotError as error:
        print(f"{COMMAND}: error: {printable(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{COMMAND}: interrupted", file=sys.stderr)
        return 130
