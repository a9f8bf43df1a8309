"""``auth --import tw.json``: move the seed tutorial's credentials into ``.env``.

The tutorial kept the four values in a JSON file named ``tw.json``. Its
users sometimes wrote it with single quotes, which is not JSON; such a file
is a Python literal of the same dictionary, so it is read as one (safely:
``ast.literal_eval`` evaluates no code).
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Callable
from pathlib import Path

from ..client import Client
from ..credentials import (
    ACCESS_TOKEN,
    ACCESS_TOKEN_SECRET,
    COMMAND,
    CONSUMER_KEY,
    CONSUMER_SECRET,
    Credentials,
    Settings,
    check_regular_file,
)
from ..errors import InputError
from .envfile import check_writable, saved_to, update_env_file

# tw.json holds four short values; anything far larger is another file.
MAX_FILE_BYTES = 64 * 1024
# The tutorial's key for each of the bot's variables.
TUTORIAL_KEYS = {
    "consumer_key": CONSUMER_KEY,
    "consumer_secret": CONSUMER_SECRET,
    "access_token": ACCESS_TOKEN,
    "access_token_secret": ACCESS_TOKEN_SECRET,
}


def import_credentials(
    path: Path,
    settings: Settings,
    env_file: Path,
    *,
    ask: Callable[[str], str] | None = None,
) -> str:
    """Check the credentials in ``path`` with X, save them to ``env_file``,
    offer to delete ``path``; return the account's username."""
    values = read_tutorial_file(path)
    check_writable(env_file)
    credentials = Credentials(
        consumer_key=values[CONSUMER_KEY],
        consumer_secret=values[CONSUMER_SECRET],
        access_token=values[ACCESS_TOKEN],
        access_token_secret=values[ACCESS_TOKEN_SECRET],
        sources=dict.fromkeys(values, str(path)),
        base_url=settings.api_base_url(),
    )
    username = Client(credentials).me().username
    update_env_file(env_file, values)
    print(f"Imported the credentials of @{username} from {path}.")
    print(f"Saved them to {saved_to(env_file)}.")
    offer_to_delete(path, ask or input)
    return username


def read_tutorial_file(path: Path) -> dict[str, str]:
    """The four values in the tutorial's file, under the bot's variable names."""
    if not os.path.lexists(path):
        raise InputError(
            f"no such file: {path}: give the path of the tutorial's tw.json."
        )
    check_regular_file(path, "give the tutorial's tw.json with --import")
    try:
        with path.open("rb") as file:
            content = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise InputError(f"cannot read {path} ({error.strerror}).") from None
    if len(content) > MAX_FILE_BYTES:
        raise InputError(
            f"{path} is too large to be the tutorial's tw.json (four short "
            "values): give the right file."
        )
    try:
        # JSON's own rule finds UTF-8 (with or without a byte order mark),
        # UTF-16 and UTF-32, as editors on Windows write them.
        text = content.decode(json.detect_encoding(content))
    except UnicodeDecodeError:
        raise InputError(
            f"{path} is not text (UTF-8, UTF-16 or UTF-32): give the tutorial's "
            "tw.json."
        ) from None
    data = parse(text, path)
    keys = ", ".join(TUTORIAL_KEYS)
    if not isinstance(data, dict):
        raise InputError(f"{path} holds no JSON object: it needs the keys {keys}.")
    missing = [
        key
        for key in TUTORIAL_KEYS
        if not isinstance(data.get(key), str) or not data[key].strip()
    ]
    if missing:
        raise InputError(
            f"{path} lacks {', '.join(missing)}: it needs the keys {keys}, "
            f"each with a value (or run `{COMMAND} auth` instead)."
        )
    return {name: data[key].strip() for key, name in TUTORIAL_KEYS.items()}


def parse(text: str, path: Path) -> object:
    """JSON, or the single-quoted form the tutorial warns about."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        json_error = error
    except RecursionError:
        raise InputError(
            f"{path} nests too deeply to be the tutorial's tw.json (one flat "
            f"object): fix it, or run `{COMMAND} auth` instead."
        ) from None
    try:
        return ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        # The messages name only a position: the file's text holds secrets.
        raise InputError(
            f"{path} is not JSON ({json_error.msg} at line {json_error.lineno}, "
            f"column {json_error.colno}): fix it (keys and values in double "
            f"quotes), or run `{COMMAND} auth` instead."
        ) from None


def offer_to_delete(path: Path, ask: Callable[[str], str]) -> None:
    try:
        answer = ask(f"Delete {path} now that .env holds its values? [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() in ("y", "yes"):
        try:
            path.unlink()
        except OSError as error:
            print(
                f"Could not delete {path} ({error.strerror or 'failed'}): delete "
                "it yourself, it holds the same secrets as .env."
            )
        else:
            print(f"Deleted {path}.")
    else:
        print(f"Kept {path}: it holds the same secrets, so delete it once unused.")
