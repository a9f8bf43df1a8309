"""Where credentials and settings come from: the environment, then .env."""

import os
import signal

import pytest
from fake_x import FAKE_CREDENTIALS
from helpers import write_env_file

from {{ cookiecutter.package_name }} import (
    ConfigError,
    MissingCredentialsError,
)
from {{ cookiecutter.package_name }}.credentials import (
    load_settings,
)

# --- Where the credentials come from ------------------------------------------


def test_credentials_from_the_environment(credentials_in_env):
    credentials = load_settings().credentials()

    assert credentials.consumer_key == "fake-consumer-key"
    assert credentials.consumer_secret == "fake-consumer-secret"
    assert credentials.access_token == "fake-access-token"
    assert credentials.access_token_secret == "fake-access-token-secret"


def test_credentials_from_dotenv_in_the_current_directory(credentials_in_dotenv):
    credentials = load_settings().credentials()

    assert credentials.consumer_key == "fake-consumer-key"
    assert credentials.access_token_secret == "fake-access-token-secret"


@pytest.mark.parametrize("marker", ["pyproject.toml", ".git"])
def test_dotenv_is_found_in_a_parent_folder_up_to_the_project_root(
    credentials_in_dotenv, tmp_path, monkeypatch, marker
):
    make_project_root(tmp_path, marker)
    nested = tmp_path / "src" / "deeper"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)

    credentials = load_settings().credentials()

    assert credentials.consumer_key == "fake-consumer-key"


@pytest.mark.parametrize(
    "project", [None, "pyproject.toml", ".git"], ids=["no-project", "pyproject", "git"]
)
def test_dotenv_above_the_project_is_never_read(tmp_path, monkeypatch, project):
    """A home folder's or a monorepo's .env is someone else's: not the bot's."""
    write_env_file(tmp_path / ".env")
    bot = tmp_path / "bots" / "my-bot"
    (bot / "src").mkdir(parents=True)
    if project:
        make_project_root(bot, project)
    monkeypatch.chdir(bot / "src" if project else bot)

    settings = load_settings()

    assert settings.env_file is None
    with pytest.raises(MissingCredentialsError):
        settings.credentials()


def make_project_root(folder, marker):
    if marker == ".git":
        (folder / ".git").mkdir()
    else:
        (folder / marker).write_text("[project]\nname = 'my-bot'\n")


def test_environment_wins_over_dotenv(credentials_in_dotenv, monkeypatch):
    monkeypatch.setenv("TWITTER_ACCESS_TOKEN", "fake-token-from-environment")

    credentials = load_settings().credentials()

    assert credentials.access_token == "fake-token-from-environment"
    assert credentials.consumer_key == "fake-consumer-key"  # the rest: from .env


def test_env_file_given_explicitly(tmp_path):
    env_file = write_env_file(tmp_path / "bots" / "second-bot.env")

    credentials = load_settings(env_file).credentials()

    assert credentials.consumer_key == "fake-consumer-key"


def test_env_file_given_explicitly_wins_over_dotenv_found(
    credentials_in_dotenv, tmp_path
):
    other_bot = {**FAKE_CREDENTIALS, "TWITTER_ACCESS_TOKEN": "fake-other-bot-token"}
    env_file = write_env_file(tmp_path / "bots" / "other.env", other_bot)

    credentials = load_settings(env_file).credentials()

    assert credentials.access_token == "fake-other-bot-token"


def test_missing_env_file_is_a_config_error(tmp_path):
    missing = tmp_path / "nowhere.env"

    with pytest.raises(ConfigError) as caught:
        load_settings(missing)

    assert str(missing) in str(caught.value)


def test_reading_dotenv_leaves_the_environment_alone(credentials_in_dotenv):
    load_settings().credentials()

    assert "TWITTER_CONSUMER_KEY" not in os.environ


# --- A .env that is not the user's own, or not a file ------------------------


def test_dotenv_of_another_user_is_refused(credentials_in_dotenv, monkeypatch):
    monkeypatch.setattr(os, "getuid", lambda: os.stat(".env").st_uid + 1)

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert "belongs to another user" in str(caught.value)
    assert "--env-file" in str(caught.value)


def test_dotenv_in_a_folder_every_user_may_write_is_refused(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    write_env_file(shared / ".env")
    shared.chmod(0o777)
    monkeypatch.chdir(shared)

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert "every user may write to" in str(caught.value)


def test_dotenv_in_a_sticky_shared_folder_is_read(tmp_path, monkeypatch):
    """Like /tmp: others may not replace a file they do not own there."""
    shared = tmp_path / "shared"
    write_env_file(shared / ".env")
    shared.chmod(0o1777)
    monkeypatch.chdir(shared)

    assert load_settings().credentials().consumer_key == "fake-consumer-key"


def test_env_file_given_explicitly_is_trusted_wherever_it_is(tmp_path):
    shared = tmp_path / "shared"
    env_file = write_env_file(shared / "bot.env")
    shared.chmod(0o777)

    assert load_settings(env_file).credentials().consumer_key == "fake-consumer-key"


def make_not_a_file(path, kind):
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "symlink-to-a-fifo":
        os.mkfifo(path.with_name("fifo"))
        path.symlink_to(path.with_name("fifo"))
    else:  # a symlink to nothing
        path.symlink_to(path.with_name("gone"))


NOT_A_FILE = ["fifo", "folder", "symlink-to-a-fifo", "dangling-symlink"]


@pytest.fixture
def fails_instead_of_hanging():
    """Reading a FIFO blocks until someone writes to it: fail the test instead."""

    def hung(signum, frame):
        raise AssertionError("reading the env file hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("kind", NOT_A_FILE)
@pytest.mark.parametrize("given", [False, True], ids=["found", "given"])
def test_env_file_that_is_not_a_regular_file_is_refused(
    tmp_path, fails_instead_of_hanging, kind, given
):
    path = tmp_path / ".env"
    make_not_a_file(path, kind)

    with pytest.raises(ConfigError) as caught:
        load_settings(path if given else None)

    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


# --- Missing credentials ----------------------------------------------------------


def test_missing_credentials_are_named_together_with_where_they_were_looked_for(
    tmp_path,
):
    with pytest.raises(MissingCredentialsError) as caught:
        load_settings().credentials()

    for name in FAKE_CREDENTIALS:
        assert name in str(caught.value)
    assert "environment" in str(caught.value)
    assert str(tmp_path) in str(caught.value)


def test_missing_credentials_name_only_the_missing_ones(monkeypatch, tmp_path):
    monkeypatch.setenv("TWITTER_CONSUMER_KEY", "fake-consumer-key")
    monkeypatch.setenv("TWITTER_CONSUMER_SECRET", "fake-consumer-secret")
    write_env_file(tmp_path / ".env", {"TWITTER_ACCESS_TOKEN": "fake-access-token"})

    with pytest.raises(MissingCredentialsError) as caught:
        load_settings().credentials()

    message = str(caught.value)
    assert "TWITTER_ACCESS_TOKEN_SECRET" in message
    # The names that are set do not appear (TWITTER_ACCESS_TOKEN is also the
    # start of TWITTER_ACCESS_TOKEN_SECRET, so look without that one).
    others = message.replace("TWITTER_ACCESS_TOKEN_SECRET", "")
    assert "TWITTER_CONSUMER_KEY" not in others
    assert "TWITTER_CONSUMER_SECRET" not in others
    assert "TWITTER_ACCESS_TOKEN" not in others
    assert str(tmp_path / ".env") in message


def test_empty_values_count_as_missing(tmp_path):
    # A .env copied from .env.example but not filled in.
    write_env_file(tmp_path / ".env", dict.fromkeys(FAKE_CREDENTIALS, ""))

    with pytest.raises(MissingCredentialsError) as caught:
        load_settings().credentials()

    for name in FAKE_CREDENTIALS:
        assert name in str(caught.value)


# --- Secrets stay hidden ------------------------------------------------------


def test_credentials_repr_shows_no_secret(credentials_in_env):
    credentials = load_settings().credentials()

    for secret in FAKE_CREDENTIALS.values():
        assert secret not in repr(credentials)


def test_settings_repr_shows_no_secret(credentials_in_env):
    settings = load_settings()

    for secret in FAKE_CREDENTIALS.values():
        assert secret not in repr(settings)


# --- TWITTER_API_BASE_URL ----------------------------------------------------------


def api_base_url(monkeypatch, value):
    """The API root the bot uses when TWITTER_API_BASE_URL is ``value``."""
    monkeypatch.setenv("TWITTER_API_BASE_URL", value)
    return load_settings().api_base_url()


def test_api_base_url_defaults_to_the_host_x_documents():
    assert load_settings().api_base_url() == "https://api.x.com"


@pytest.mark.parametrize(
    "url",
    [
        "https://api.twitter.com",
        "http://127.0.0.1:8765",
        "http://localhost:8765",
        "http://[::1]:8765",
    ],
)
def test_api_base_url_accepts_https_and_loopback_http(monkeypatch, url):
    assert api_base_url(monkeypatch, url) == url


def test_api_base_url_trailing_slash_is_stripped(monkeypatch):
    assert api_base_url(monkeypatch, "http://127.0.0.1:8765/") == (
        "http://127.0.0.1:8765"
    )


def test_api_base_url_from_dotenv(tmp_path):
    write_env_file(tmp_path / ".env", {"TWITTER_API_BASE_URL": "http://127.0.0.1:9"})

    assert load_settings().api_base_url() == "http://127.0.0.1:9"


@pytest.mark.parametrize(
    "url",
    [
        "http://api.twitter.com",
        "http://192.168.1.20:8765",
        "http://localhost.example.com",
    ],
)
def test_api_base_url_refuses_plain_http_to_another_host(monkeypatch, url):
    # Signed requests would cross the network in the clear.
    with pytest.raises(ConfigError) as caught:
        api_base_url(monkeypatch, url)

    assert "TWITTER_API_BASE_URL" in str(caught.value)
    assert "https" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "api.x.com",
        "ftp://127.0.0.1",
        "https://",
        "http://[::1",
        "http://127.0.0.1:port",
        "http://127.0.0.1:99999",
        "https://api.x.com?",
        "https://api.x.com/#",
        "https://a..b",
        "https://" + "a" * 64 + ".com",
    ],
)
def test_api_base_url_refuses_garbage(monkeypatch, url):
    with pytest.raises(ConfigError) as caught:
        api_base_url(monkeypatch, url)

    assert "TWITTER_API_BASE_URL" in str(caught.value)
