"""Fixtures every test shares.

Each test runs in its own empty folder with no TWITTER_* variables set, and
with every HTTP request answered by a fake X (the ``responses`` library): a
test never sees the developer's real credentials and never reaches the network.
"""

import io
import os
import sys

import pytest
import responses
from fake_x import FAKE_CREDENTIALS
from helpers import write_env_file

# A git that ignores the developer's own configuration: a global hooks path or
# commit signing would change what a commit does.
ISOLATED_GIT = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No TWITTER_* variables, and an empty current directory (so no real .env)
    that git sees as in no repository."""
    for folder in tmp_path.parents:
        if (folder / ".env").is_file():
            pytest.fail(f"{folder / '.env'} would be read by every test: move it.")
    for name in list(os.environ):
        if name.startswith("TWITTER_"):
            monkeypatch.delenv(name)
    for name, value in ISOLATED_GIT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def x_api():
    """A fake X: register its answers with ``x_api.post(url, json=..., status=...)``.

    A request nobody registered an answer for fails with ConnectionError, and a
    registered answer that was never asked for fails the test.
    """
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def credentials_in_env(monkeypatch):
    """The four fake credentials, set as environment variables."""
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    return dict(FAKE_CREDENTIALS)


@pytest.fixture
def credentials_in_dotenv(tmp_path):
    """The four fake credentials in a private .env in the current directory."""
    return write_env_file(tmp_path / ".env")


@pytest.fixture
def stdin(monkeypatch):
    """``stdin(text)``: what the user types or pipes in ("" is end of input,
    which is also what a test that calls nothing gets)."""

    def type_in(text):
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    type_in("")
    return type_in
