"""Fixtures every test shares.

Each test runs in its own empty folder with no TWITTER_* variables set, and
with every HTTP request answered by a fake X (the ``responses`` library): a
test never sees the developer's real credentials and never reaches the network.
"""

import os

import pytest
import responses
from fake_x import FAKE_CREDENTIALS


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No TWITTER_* variables, and an empty current directory (so no real .env)."""
    for folder in tmp_path.parents:
        if (folder / ".env").is_file():
            pytest.fail(f"{folder / '.env'} would be read by every test: move it.")
    for name in list(os.environ):
        if name.startswith("TWITTER_"):
            monkeypatch.delenv(name)
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
    """The four fake credentials, written to .env in the current directory."""
    lines = [f"{name}={value}\n" for name, value in FAKE_CREDENTIALS.items()]
    (tmp_path / ".env").write_text("".join(lines), encoding="utf-8")
    return dict(FAKE_CREDENTIALS)
