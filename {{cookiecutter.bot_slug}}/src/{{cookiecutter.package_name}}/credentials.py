"""The bot's credentials: their names, where they are looked for, and the
objects that hold them without ever showing them.

The process environment wins over ``.env``: CI and servers inject secrets as
environment variables, while ``.env`` is for a developer's own machine.
``.env`` is looked for in the current folder and then each parent up to the
project's root, never above it, unless a path is given (``--env-file``).
A ``.env`` found that way must be the user's own: one another user owns, or
one in a folder others may write to, could have been planted to send the
bot's signed requests elsewhere, so it is refused.
"""

from __future__ import annotations

import ipaddress
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from .errors import ConfigError, MissingCredentialsError

COMMAND = "{{ cookiecutter.bot_slug }}"  # what the messages tell the user to run
BOT_HANDLE = "{{ cookiecutter.bot_handle }}"  # given at generation, or ""

CONSUMER_KEY = "TWITTER_CONSUMER_KEY"
CONSUMER_SECRET = "TWITTER_CONSUMER_SECRET"  # noqa: S105 (a name, not a secret)
ACCESS_TOKEN = "TWITTER_ACCESS_TOKEN"  # noqa: S105
ACCESS_TOKEN_SECRET = "TWITTER_ACCESS_TOKEN_SECRET"  # noqa: S105
CREDENTIAL_NAMES = (CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET)

API_BASE_URL = "TWITTER_API_BASE_URL"
X_API_ROOT = "https://api.x.com"  # the host X documents
# X's roots: api.twitter.com still answers, and tokens work at both.
X_API_ROOTS = (X_API_ROOT, "https://api.twitter.com")

ENVIRONMENT = "the environment"


@dataclass(frozen=True)
class Credentials:
    """The app's key and secret, the bot account's token and secret, and the
    API root they work at (tokens only work with the API that issued them)."""

    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)
    base_url: str = X_API_ROOT

    def __repr__(self) -> str:
        # Never show a secret, not even in a traceback or a debugger.
        return f"Credentials(from {describe_sources(self.sources) or 'arguments'})"


@dataclass(frozen=True)
class Settings:
    """Values from the environment and ``.env``, and where each came from."""

    values: Mapping[str, str] = field(repr=False)  # holds the secrets
    sources: Mapping[str, str]
    env_file: Path | None

    def credentials(self) -> Credentials:
        """The four credentials and their API root, or one error naming every
        missing credential."""
        missing = [name for name in CREDENTIAL_NAMES if not self.values.get(name)]
        if missing:
            raise MissingCredentialsError(
                f"missing {', '.join(missing)} (looked in {self.looked_in()}): "
                f"run `{COMMAND} auth` to authorize the bot, or set them "
                "as environment variables."
            )
        return Credentials(
            consumer_key=self.values[CONSUMER_KEY],
            consumer_secret=self.values[CONSUMER_SECRET],
            access_token=self.values[ACCESS_TOKEN],
            access_token_secret=self.values[ACCESS_TOKEN_SECRET],
            sources={name: self.sources[name] for name in CREDENTIAL_NAMES},
            base_url=self.api_base_url(),
        )

    def api_base_url(self) -> str:
        """The API root every request goes to (X itself unless overridden)."""
        return checked_base_url(self.values.get(API_BASE_URL) or X_API_ROOT)

    def looked_in(self) -> str:
        if self.env_file is not None:
            return f"{ENVIRONMENT} and {self.env_file}"
        here, top = current_folder(), project_root()
        above = f" or above it up to {top}" if top != here else ""
        return f"{ENVIRONMENT}; no .env in {here}{above}"


def load_settings(
    env_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    must_exist: bool = True,
) -> Settings:
    """Read ``.env`` (given, or found upward) under the process environment.

    A given ``env_file`` that does not exist is an error, unless
    ``must_exist`` is false (``auth`` creates it).
    """
    environ = os.environ if environ is None else environ
    if env_file is None:
        path = find_env_file()
        if path is not None:
            check_own_file(path)
    else:
        path = Path(env_file)
        if os.path.lexists(path):
            check_regular_file(path)
        elif must_exist:
            raise ConfigError(f"no such env file: {env_file}")
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    if path is not None and path.exists():
        try:
            # No ${NAME} expansion: a secret may contain "${". utf-8-sig: a
            # byte order mark (Windows editors) is not part of the first name.
            file_values = dotenv_values(path, encoding="utf-8-sig", interpolate=False)
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(
                f"cannot read {path}: {error.__class__.__name__}"
            ) from None
        for name, value in file_values.items():
            if value:
                values[name] = value
                sources[name] = str(path)
    for name in (*CREDENTIAL_NAMES, API_BASE_URL):
        if environ.get(name):
            values[name] = environ[name]
            sources[name] = ENVIRONMENT
    return Settings(values=values, sources=sources, env_file=path)


def find_env_file() -> Path | None:
    """The nearest ``.env`` from the current folder up to the project's root."""
    here = current_folder()
    top = project_root()
    for folder in (here, *here.parents):
        if os.path.lexists(folder / ".env"):
            return folder / ".env"
        if folder == top:
            return None
    return None


def project_env_file() -> Path:
    """Where ``auth`` saves the credentials: ``.env`` in the project's root,
    never a ``.env`` found further up."""
    path = project_root() / ".env"
    if os.path.lexists(path):
        check_own_file(path)
    elif os.name == "posix":
        check_private_folder(path.parent, path)
    return path


def project_root() -> Path:
    """The nearest folder, from the current one up, that holds ``pyproject.toml``
    or ``.git``; the current folder when none does."""
    here = current_folder()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder
    return here


def current_folder() -> Path:
    try:
        return Path.cwd().resolve()
    except FileNotFoundError:
        raise ConfigError(
            "the current folder no longer exists: cd into the bot's folder and "
            "run this again."
        ) from None


def check_regular_file(
    path: Path, fix: str = "remove it, or give another file with --env-file"
) -> None:
    """Refuse a file to read that is not a regular file once symlinks are
    followed (reading a FIFO or a device would hang or never end); ``fix``
    says what to do."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        raise ConfigError(f"cannot use {path} ({reason}): {fix}.") from None
    if not stat.S_ISREG(mode):
        raise ConfigError(f"{path} is not a regular file: {fix}.")


def check_own_file(path: Path) -> None:
    """Refuse a ``.env`` found by searching that another user owns, or that
    sits in a folder other users may write to (POSIX only)."""
    check_regular_file(path)
    if os.name != "posix":
        return
    if os.stat(path).st_uid != os.getuid():
        raise ConfigError(
            f"{path} belongs to another user, so it was not read: use your own "
            ".env, or give a file with --env-file."
        )
    for folder in {path.parent, path.resolve().parent}:
        check_private_folder(folder, path)


def check_private_folder(folder: Path, path: Path) -> None:
    """Refuse ``path`` in a folder every user may write to (without the
    sticky bit of /tmp, which keeps others from replacing a user's file)."""
    mode = os.stat(folder).st_mode
    if mode & stat.S_IWOTH and not mode & stat.S_ISVTX:
        raise ConfigError(
            f"{path} is in {folder}, which every user may write to, so it was "
            "not used: move the bot into a private folder, or give a file with "
            "--env-file."
        )


def checked_base_url(url: str) -> str:
    """Refuse an API root that would send signed requests in the clear."""
    try:
        parts = urlsplit(url.strip())
        scheme, host, _ = parts.scheme, parts.hostname, parts.port  # port: checked
        if host:
            host.encode("idna")  # each label 1 to 63 characters, as DNS has them
    except (ValueError, UnicodeError):  # "http://[::1", "https://a..b", port "x"
        scheme, host = "", None
    if scheme not in ("https", "http") or not host:
        raise ConfigError(
            f"{API_BASE_URL}={url!r} is not an http(s) URL: "
            f"unset it to use X ({X_API_ROOT}), or give the sandbox's URL."
        )
    if "?" in url or "#" in url:
        raise ConfigError(f"{API_BASE_URL} must be a bare root URL, got {url!r}.")
    if scheme == "http" and not is_loopback(host):
        raise ConfigError(
            f"{API_BASE_URL}={url!r} is refused: plain http would send signed "
            "requests in the clear. Use https, or http only to a loopback "
            "address such as the sandbox's http://127.0.0.1:8765."
        )
    return url.strip().rstrip("/")


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def describe_sources(sources: Mapping[str, str]) -> str:
    """Which variables came from where: ``A, B from .env; C from the environment``."""
    by_source: dict[str, list[str]] = {}
    for name, source in sources.items():
        by_source.setdefault(source, []).append(name)
    return "; ".join(
        f"{', '.join(names)} from {source}" for source, names in by_source.items()
    )
