"""The tweepy client, routed to the configured API root, and X's errors in plain words.

tweepy signs every request for ``https://api.twitter.com``. To use another
root (the sandbox, or a test server) a transport adapter rewrites the URL
*after* signing, which is also what X's own TLS front does: the server checks
the signature against the public URL.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter

from .config import COMMAND, X_API_ROOT
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

# What a request to X can raise: X's refusals and network trouble.
FAILURES = (tweepy.TweepyException, requests.RequestException)


class APIRootAdapter(HTTPAdapter):
    """Send requests signed for api.twitter.com to ``base_url``, with a timeout."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> Any:  # type: ignore[override]
        if request.url and request.url.startswith(X_API_ROOT + "/"):
            request.url = self.base_url + request.url[len(X_API_ROOT) :]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = TIMEOUT_SECONDS
        return super().send(request, **kwargs)


def route(session: requests.Session, base_url: str) -> None:
    """Make ``session`` send X-bound requests to ``base_url``."""
    session.mount(X_API_ROOT + "/", APIRootAdapter(base_url))


def make_client(credentials: Credentials, base_url: str) -> tweepy.Client:
    client = tweepy.Client(
        consumer_key=credentials.consumer_key,
        consumer_secret=credentials.consumer_secret,
        access_token=credentials.access_token,
        access_token_secret=credentials.access_token_secret,
    )
    route(client.session, base_url)
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
    if status == 401:
        return CredentialsRejectedError(
            "X rejected the credentials "
            f"({describe_sources(credentials.sources) or 'as given'}): if the "
            "app's keys were regenerated or its access revoked, run "
            f"`{COMMAND} auth` to authorize the bot again."
        )
    if status == 403 and "oauth1-permissions" in problem_type(error):
        return ReadOnlyAppError(
            "X refused: this token may only read. In the X developer portal, "
            "open the app's User authentication settings, set App permissions "
            f"to 'Read and write', then re-run `{COMMAND} auth` (tokens made "
            "before the change keep the old permission)."
        )
    if status == 403 and "duplicate content" in detail:
        return DuplicatePostError(
            "X refused the post as a duplicate of one the bot already made "
            "(not retried): change the text."
        )
    if status == 429:
        reset_at = reset_time(error)
        when = f"at {reset_at:%H:%M:%S %Z}" if reset_at else "in about 15 minutes"
        return RateLimitedError(
            f"X's rate limit is used up; it resets {when}: try again after that.",
            reset_at=reset_at,
        )
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


def reset_time(error: tweepy.HTTPException) -> datetime | None:
    reset = getattr(error, "reset_time", None)
    if reset is None:
        header = error.response.headers.get("x-rate-limit-reset")
        reset = int(header) if header and header.isdigit() else None
    if reset is None:
        return None
    return datetime.fromtimestamp(reset, tz=timezone.utc).astimezone()
