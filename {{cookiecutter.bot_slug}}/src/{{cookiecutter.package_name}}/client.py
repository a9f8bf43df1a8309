"""tweepy's client, sent to the configured API root; X's refusals in plain words.

tweepy 4.17 sends every request to ``https://api.twitter.com``, hard-coded.
The session below changes the URL to the configured root *before* the request
is signed: an OAuth 1.0a signature covers the URL, and a server checks it
against the URL it was sent to, so a request is signed for where it goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import requests
import tweepy

from .config import COMMAND
from .errors import (
    BotError,
    CredentialsRejectedError,
    CreditsDepletedError,
    DuplicatePostError,
    RateLimitedError,
    ReadOnlyAppError,
    XError,
    XUnreachableError,
)
from .settings import Credentials, describe_sources

TIMEOUT_SECONDS = 30
TWEEPY_ROOT = "https://api.twitter.com"

# What a request to X can raise: X's refusals and network trouble.
FAILURES = (tweepy.TweepyException, requests.RequestException)
# 429 headers of the 24-hour caps, and whose cap each is.
DAILY_CAPS = {
    "x-user-limit-24hour": "this bot account",
    "x-app-limit-24hour": "the app (all of its bots)",
}
# 403 problem types of an app without a usable API plan (pay-per-use, 2026).
NOT_ENROLLED = ("/client-not-enrolled", "/client-forbidden", "/user-not-enrolled")


class APIRootSession(requests.Session):
    """Sends tweepy's requests to ``base_url`` (signed there), with a timeout."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if url.startswith(TWEEPY_ROOT + "/"):
            url = self.base_url + url[len(TWEEPY_ROOT) :]
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return super().request(method, url, *args, **kwargs)


def make_client(credentials: Credentials, base_url: str) -> tweepy.Client:
    client = tweepy.Client(
        consumer_key=credentials.consumer_key,
        consumer_secret=credentials.consumer_secret,
        access_token=credentials.access_token,
        access_token_secret=credentials.access_token_secret,
    )
    client.session = APIRootSession(base_url)
    return client


def get_username(client: tweepy.Client) -> str:
    """The authorized account's username (one ``GET /2/users/me``)."""
    response = client.get_me(user_auth=True)
    return str(response.data["username"])  # type: ignore[union-attr]


def explain(error: Exception, credentials: Credentials) -> BotError:
    """Turn a tweepy or network failure into one error that says what to do."""
    if isinstance(error, requests.RequestException):
        return XUnreachableError(
            f"could not reach X ({error.__class__.__name__}): check the network "
            "connection and TWITTER_API_BASE_URL, then try again."
        )
    if not isinstance(error, tweepy.HTTPException):
        return XError(f"X request failed: {error}")

    status = error.response.status_code
    detail = problem_detail(error)
    problem = problem_type(error)
    if status == 401:
        return CredentialsRejectedError(
            "X rejected the credentials "
            f"({describe_sources(credentials.sources) or 'as given'}): if the "
            "app's keys were regenerated or its access revoked, run "
            f"`{COMMAND} auth` to authorize the bot again."
        )
    if status == 403 and "oauth1-permissions" in problem:
        return ReadOnlyAppError(
            "X refused: this token may only read. In the X developer portal, "
            "open the app's User authentication settings, set App permissions "
            f"to 'Read and write', then re-run `{COMMAND} auth` (tokens made "
            "before the change keep the old permission)."
        )
    if status == 403 and problem.endswith(NOT_ENROLLED):
        return XError(
            "X refused: the app is not on a usable API plan "
            f"({problem.rsplit('/', 1)[-1]}). In the X developer "
            "console, move the app to the Pay-per-use package and into the "
            "Production environment, then try again."
        )
    if status == 403 and "duplicate content" in detail:
        return DuplicatePostError(
            "X refused the post as a duplicate of one the bot already made "
            "(not retried): change the text."
        )
    if status == 429:
        return rate_limited(error.response.headers)
    if status == 402:
        return CreditsDepletedError(
            "X refused (402 Payment Required): the account's API credits are "
            "used up. Add credits in the X developer console, then try again."
        )
    if status >= 500:
        return XUnreachableError(f"X failed ({status}): try again later.")
    return XError(f"X refused the request ({status}): {detail or 'no details'}.")


def problem_detail(error: tweepy.HTTPException) -> str:
    messages = [str(message) for message in error.api_messages]
    return "; ".join(messages)


def problem_type(error: tweepy.HTTPException) -> str:
    try:
        body = error.response.json()
    except ValueError:
        return ""
    return str(body.get("type", "")) if isinstance(body, dict) else ""


def rate_limited(headers: Mapping[str, str]) -> RateLimitedError:
    """Say which limit is used up and when it resets.

    A 429 always carries the 15-minute window's ``x-rate-limit-reset``; when
    a 24-hour cap is what ran out, its own reset, hours away, is the one
    that counts.
    """
    for cap, whose in DAILY_CAPS.items():
        if headers.get(f"{cap}-remaining") == "0":
            limit = f"X's 24-hour posting limit for {whose}"
            reset, window = headers.get(f"{cap}-reset"), "24 hours"
            break
    else:
        limit = "X's rate limit"
        reset, window = headers.get("x-rate-limit-reset"), "15 minutes"
    reset_at = epoch_time(reset)
    when = moment(reset_at) if reset_at else f"within {window}"
    return RateLimitedError(
        f"{limit} is used up; it resets {when}: try again after that.", reset_at
    )


def epoch_time(header: str | None) -> datetime | None:
    if not header or not header.isdigit():
        return None
    return datetime.fromtimestamp(int(header), tz=timezone.utc)


def moment(when: datetime) -> str:
    """``at 16:00 CET``, or ``on 2026-11-28 at 09:00 CET`` when not today."""
    local = when.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return f"at {local:%H:%M %Z}"
    return f"on {local:%Y-%m-%d} at {local:%H:%M %Z}"
