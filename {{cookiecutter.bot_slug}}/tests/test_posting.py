"""post(): check the text, then send exactly one POST /2/tweets."""

import json

import pytest
from fake_x import (
    CREATED,
    CREATED_HEADERS,
    FAKE_CREDENTIALS,
    POST_ID,
    TWEETS_URL,
    is_signed_for_its_url,
)
from helpers import modules_imported_by

from {{ cookiecutter.package_name }} import (
    MissingCredentialsError,
    Posted,
    TextLengthError,
    post,
    posting,
)


@pytest.fixture
def x_accepts_the_post(x_api):
    """X answers POST /2/tweets with its recorded 201."""
    x_api.post(TWEETS_URL, json=CREATED, status=201, headers=CREATED_HEADERS)
    return x_api


def test_post_returns_the_new_posts_id_and_url(credentials_in_env, x_accepts_the_post):
    posted = post("Hello World!")

    assert posted == Posted(
        text="Hello World!",
        id=POST_ID,
        url=f"https://x.com/i/status/{POST_ID}",
    )


def test_post_on_another_api_root_links_to_the_post_there(
    credentials_in_env, x_api, monkeypatch
):
    """The sandbox serves /i/status/<id> too; an x.com link would lead nowhere."""
    monkeypatch.setenv("TWITTER_API_BASE_URL", "http://127.0.0.1:8765")
    x_api.post("http://127.0.0.1:8765/2/tweets", json=CREATED, status=201)

    posted = post("Hello World!")

    assert posted.url == f"http://127.0.0.1:8765/i/status/{POST_ID}"


def test_post_sends_one_request_with_the_text_as_json_to_the_tweets_endpoint(
    credentials_in_env, x_accepts_the_post
):
    post("Hello World!")

    [call] = x_accepts_the_post.calls
    request = call.request
    assert request.method == "POST"
    assert request.url == TWEETS_URL
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"text": "Hello World!"}


def test_post_sends_non_ascii_text_unchanged(credentials_in_env, x_accepts_the_post):
    text = "Grüße aus Köln 🐱 こんにちは"

    post(text)

    assert json.loads(x_accepts_the_post.calls[0].request.body) == {"text": text}


def test_post_reads_credentials_from_dotenv(credentials_in_dotenv, x_accepts_the_post):
    posted = post("Hello World!")

    assert posted.id == POST_ID


def test_post_signs_the_request_with_oauth1(credentials_in_env, x_accepts_the_post):
    post("Hello World!")

    authorization = x_accepts_the_post.calls[0].request.headers["Authorization"]
    assert authorization.startswith("OAuth ")
    assert "oauth_signature=" in authorization
    assert 'oauth_consumer_key="fake-consumer-key"' in authorization
    assert 'oauth_token="fake-access-token"' in authorization


def test_post_never_sends_the_secrets(credentials_in_env, x_accepts_the_post):
    post("Hello World!")

    request = x_accepts_the_post.calls[0].request
    sent = str(request.headers) + request.url + request.body.decode()
    assert "fake-consumer-secret" not in sent
    assert "fake-access-token-secret" not in sent


def test_post_gives_up_on_a_silent_network(credentials_in_env, x_accepts_the_post):
    # Without a timeout, a connection that never answers would hang the bot.
    post("Hello World!")

    assert x_accepts_the_post.calls[0].request.req_kwargs["timeout"]


def test_dry_run_sends_nothing(credentials_in_env, x_api):
    posted = post("Hello World!", dry_run=True)

    assert len(x_api.calls) == 0
    assert posted.id is None
    assert posted.url is None


def test_dry_run_still_requires_credentials(x_api):
    with pytest.raises(MissingCredentialsError):
        post("Hello World!", dry_run=True)


def test_too_long_text_is_refused_before_any_request(credentials_in_env, x_api):
    with pytest.raises(TextLengthError) as caught:
        post("x" * 281)

    assert len(x_api.calls) == 0
    assert "281" in str(caught.value)
    assert "280" in str(caught.value)


def test_length_is_checked_before_credentials(x_api):
    # Nothing is configured, yet the user first hears about the text.
    with pytest.raises(TextLengthError):
        post("x" * 281)


def test_empty_text_is_refused_before_any_request(credentials_in_env, x_api):
    with pytest.raises(TextLengthError):
        post("   ")

    assert len(x_api.calls) == 0


# --- TWITTER_API_BASE_URL: the sandbox, or a test server ----------------------


@pytest.mark.parametrize(
    "root", ["https://api.x.com", "https://api.twitter.com", "http://127.0.0.1:9"]
)
def test_request_is_signed_for_the_url_it_is_sent_to(
    monkeypatch, credentials_in_env, x_api, root
):
    """An OAuth server checks the signature against the URL it received."""
    monkeypatch.setenv("TWITTER_API_BASE_URL", root)
    x_api.post(f"{root}/2/tweets", json=CREATED, status=201)

    post("Hello World!")

    assert is_signed_for_its_url(
        x_api.calls[0].request,
        FAKE_CREDENTIALS["TWITTER_CONSUMER_SECRET"],
        FAKE_CREDENTIALS["TWITTER_ACCESS_TOKEN_SECRET"],
    )


# --- The bot alone -----------------------------------------------------------


def test_posting_loads_neither_authorization_nor_the_safety_kit():
    """A bot that only posts runs without the code of ``auth``, ``doctor`` and
    ``guard``."""
    exit_code, _, imported = modules_imported_by("-c", f"import {posting.__name__}")

    package = posting.__package__
    assert exit_code == 0
    assert posting.__name__ in imported
    assert [
        name
        for name in imported
        if name.startswith((f"{package}.auth", f"{package}.safety"))
    ] == []
