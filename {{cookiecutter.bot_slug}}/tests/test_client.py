"""``client``: each way X can refuse a request becomes one error that says
what to do, and an answer that makes no sense is an error too, not a crash."""

import re
import time
from datetime import datetime, timezone

import pytest
import requests
from fake_x import (
    CREDITS_DEPLETED,
    DUPLICATE,
    FAKE_CREDENTIALS,
    RATE_LIMIT_RESET,
    RATE_LIMITED,
    RATE_LIMITED_HEADERS,
    READ_ONLY_APP,
    READ_ONLY_APP_X_COM,
    SERVICE_UNAVAILABLE,
    TOO_LONG,
    TOO_LONG_MESSAGE,
    TWEETS_URL,
    UNAUTHORIZED,
    USERS_ME_URL,
    daily_cap_headers,
    not_enrolled,
)

from {{ cookiecutter.package_name }} import (
    CredentialsRejectedError,
    CreditsDepletedError,
    DuplicatePostError,
    RateLimitedError,
    ReadOnlyAppError,
    XError,
    XUnreachableError,
    post,
)
from {{ cookiecutter.package_name }}.client import (
    Client,
)
from {{ cookiecutter.package_name }}.credentials import (
    load_settings,
)


def post_and_catch(error_class):
    """Post, expect ``error_class``, and return the error raised."""
    with pytest.raises(error_class) as caught:
        post("Hello World!")
    return caught.value


@pytest.mark.parametrize(
    "body",
    [READ_ONLY_APP, READ_ONLY_APP_X_COM],
    ids=["api.twitter.com-problem", "api.x.com-problem"],
)
def test_read_only_app(credentials_in_env, x_api, body):
    x_api.post(TWEETS_URL, json=body, status=403)

    error = post_and_catch(ReadOnlyAppError)

    assert "Read and write" in str(error)
    assert "auth" in str(error)


def test_duplicate_post(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=DUPLICATE, status=403)

    error = post_and_catch(DuplicatePostError)

    assert "duplicate" in str(error)


def test_duplicate_post_is_not_retried(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=DUPLICATE, status=403)

    post_and_catch(DuplicatePostError)

    assert len(x_api.calls) == 1


def test_rejected_credentials_are_named_with_where_they_came_from(
    credentials_in_env, x_api
):
    x_api.post(TWEETS_URL, json=UNAUTHORIZED, status=401)

    error = post_and_catch(CredentialsRejectedError)

    for name in FAKE_CREDENTIALS:
        assert name in str(error)
    assert "environment" in str(error)
    assert "auth" in str(error)


def test_rejected_credentials_names_the_dotenv_file_they_came_from(
    credentials_in_dotenv, tmp_path, x_api
):
    x_api.post(TWEETS_URL, json=UNAUTHORIZED, status=401)

    error = post_and_catch(CredentialsRejectedError)

    assert str(tmp_path / ".env") in str(error)
    assert "environment" not in str(error)


def test_rate_limited_says_when_the_limit_resets(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429, headers=RATE_LIMITED_HEADERS)

    error = post_and_catch(RateLimitedError)

    reset_at = datetime.fromtimestamp(RATE_LIMIT_RESET, tz=timezone.utc)
    assert error.reset_at == reset_at
    assert reset_at.astimezone().strftime("%H:%M") in str(error)


def test_rate_limited_is_not_waited_out(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429, headers=RATE_LIMITED_HEADERS)

    post_and_catch(RateLimitedError)

    assert len(x_api.calls) == 1


def test_rate_limited_without_a_reset_header(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429)

    error = post_and_catch(RateLimitedError)

    assert error.reset_at is None


@pytest.mark.parametrize(
    ("whose", "named"), [("user", "this bot account"), ("app", "the app")]
)
def test_used_up_24_hour_cap_gives_its_own_reset_with_the_date(
    credentials_in_env, x_api, whose, named
):
    reset = int(time.time()) + 2 * 24 * 3600  # surely another day
    headers = daily_cap_headers(whose, reset)
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429, headers=headers)

    error = post_and_catch(RateLimitedError)

    reset_at = datetime.fromtimestamp(reset, tz=timezone.utc)
    assert error.reset_at == reset_at
    assert "24-hour" in str(error)
    assert named in str(error)
    assert reset_at.astimezone().strftime("on %Y-%m-%d at %H:%M") in str(error)


def test_reset_later_today_is_given_as_a_time_only(credentials_in_env, x_api):
    headers = {**RATE_LIMITED_HEADERS, "x-rate-limit-reset": str(int(time.time()))}
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429, headers=headers)

    error = post_and_catch(RateLimitedError)

    assert error.reset_at.astimezone().strftime("at %H:%M") in str(error)
    assert not re.search(r"\d{4}-\d\d-\d\d", str(error))


@pytest.mark.parametrize(
    "problem", ["client-not-enrolled", "client-forbidden", "user-not-enrolled"]
)
def test_app_without_a_usable_api_plan(credentials_in_env, x_api, problem):
    x_api.post(TWEETS_URL, json=not_enrolled(problem), status=403)

    error = post_and_catch(XError)

    assert problem in str(error)
    assert "Pay-per-use" in str(error)
    assert "Production" in str(error)


def test_credits_depleted(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=CREDITS_DEPLETED, status=402)

    error = post_and_catch(CreditsDepletedError)

    assert "credits" in str(error)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_x_failing_on_its_side(credentials_in_env, x_api, status):
    x_api.post(TWEETS_URL, json=SERVICE_UNAVAILABLE, status=status)

    error = post_and_catch(XUnreachableError)

    assert "try again" in str(error)


@pytest.mark.parametrize(
    "network_error",
    [requests.ConnectionError("connection refused"), requests.Timeout("timed out")],
    ids=["connection-error", "timeout"],
)
def test_x_unreachable(credentials_in_env, x_api, network_error):
    x_api.post(TWEETS_URL, body=network_error)

    error = post_and_catch(XUnreachableError)

    assert "network" in str(error)


def test_unknown_refusal_passes_on_xs_message(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=TOO_LONG, status=400)

    error = post_and_catch(XError)

    assert type(error) is XError
    assert TOO_LONG_MESSAGE in str(error)


# --- An answer that makes no sense ------------------------------------------


def test_me_on_an_answer_without_a_username_is_an_x_error(credentials_in_env, x_api):
    x_api.get(USERS_ME_URL, json={"data": {"id": "1072250532645998596"}})
    settings = load_settings()
    client = Client(settings.credentials())

    with pytest.raises(XError) as caught:
        client.me()

    assert "X's answer to GET /2/users/me made no sense" in str(caught.value)
