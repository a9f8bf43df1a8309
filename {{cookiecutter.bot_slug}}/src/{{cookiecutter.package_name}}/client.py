"""The one place that talks to X, and that turns X's refusals into the bot's errors.

tweepy makes the requests, through ``RootSession``. The HTTP libraries take
0.15 s to load: they are imported where a request is made, not at the top,
so that ``--help`` answers at once.

Whatever a server answers is read as untrusted: a body of any shape is an
error that says so, and its text is shown through ``one_line``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .credentials import API_BASE_URL, COMMAND, Credentials, describe_sources
from .errors import (
    BotError,
    CredentialsRejectedError,
    CreditsDepletedError,
    DuplicatePostError,
    RateLimitedError,
    ReadOnlyAppError,
    XError,
    XUnreachableError,
    one_line,
)

if TYPE_CHECKING:
    import tweepy
    from requests import Response

# The longest the bot waits for one request, from sending it to the last
# byte of the answer.
TIMEOUT_SECONDS = 30
# X's answers are a few kilobytes; a bigger one is not X (or is a bomb).
MAX_ANSWER_BYTES = 1024 * 1024
# When a post was sent but no answer says what became of it. Sending it again
# blindly could post twice (X refuses only an identical text), and pay twice.
MAYBE_POSTED = (
    "so the post may have been made: look at the bot's profile before posting it again."
)
TWEEPY_ROOT = "https://api.twitter.com"
# 429 headers of the 24-hour caps, and whose cap each is.
DAILY_CAPS = {
    "x-user-limit-24hour": "this bot account",
    "x-app-limit-24hour": "the app (all of its bots)",
}
# 403 problem types of an app without a usable API plan (pay-per-use, 2026).
NOT_ENROLLED = ("/client-not-enrolled", "/client-forbidden", "/user-not-enrolled")


@dataclass(frozen=True)
class Account:
    """Whose token the bot holds, and what X lets it do."""

    username: str
    access_level: str  # X's x-access-level header: "read", "read-write", ...


class Client:
    """The bot at X: each method is one request."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.session = RootSession(credentials.base_url)

    def post(self, text: str) -> str:
        """Post ``text`` (``POST /2/tweets``); return the new post's id."""
        answer = self.call(lambda api: api.create_tweet(text=text, user_auth=True))
        return data_field(
            answer, "id", f"X's answer to POST /2/tweets made no sense, {MAYBE_POSTED}"
        )

    def me(self) -> Account:
        """Who the token belongs to (``GET /2/users/me``)."""
        answer = self.call(lambda api: api.get_me(user_auth=True))
        username = data_field(
            answer, "username", "X's answer to GET /2/users/me made no sense: try again"
        )
        return Account(username, answer.headers.get("x-access-level", ""))

    def call(self, request: Callable[[tweepy.Client], Response]) -> Response:
        """Make ``request`` with tweepy's client; X's refusal becomes a BotError."""
        import requests
        import tweepy

        api = tweepy.Client(
            consumer_key=self.credentials.consumer_key,
            consumer_secret=self.credentials.consumer_secret,
            access_token=self.credentials.access_token,
            access_token_secret=self.credentials.access_token_secret,
            return_type=requests.Response,  # X's answer as it is
        )
        api.session = self  # tweepy sends with ``request`` below
        return request(api)

    def request(self, method: str, url: str, **kwargs: Any) -> Response:
        """tweepy's session: send with ``RootSession``; a refusal becomes a
        BotError here, before tweepy sees it (tweepy's own exceptions fail on
        a body that is not the JSON X usually sends, and on a rate limit reset
        that is not a number)."""
        answer = self.session.request(method, url, **kwargs)
        if not answer.ok:
            raise refusal(answer, self.credentials.sources)
        return answer


class RootSession:
    """Sends each request to ``base_url``, signed there, with a time limit.

    tweepy uses it as its session: tweepy addresses every request to
    ``https://api.twitter.com``, hard-coded, and ``request`` moves it to
    ``base_url`` *before* it is signed (X checks an OAuth 1.0a signature
    against the URL the request was sent to). For the same reason a redirect
    is not followed: following it would sign the request again for wherever
    it points.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def request(self, method: str, url: str, **kwargs: Any) -> Response:
        """Send the request; X's whole answer, or an XError (also for a 3xx)."""
        import requests

        if url.startswith(TWEEPY_ROOT + "/"):
            url = self.base_url + url[len(TWEEPY_ROOT) :]
        try:
            answer = within_time_limit(lambda: fetch(method, url, **kwargs))
        except TimeoutError:
            raise unanswered(
                f"X did not answer within {TIMEOUT_SECONDS} s", method, url, sent=True
            ) from None
        except (requests.RequestException, ValueError) as error:
            # ValueError: urllib3 refusing a URL it cannot parse, before sending.
            raise unanswered(
                f"could not reach X ({error.__class__.__name__})",
                method,
                url,
                sent=not never_sent(error),
            ) from None
        if 300 <= answer.status_code < 400:
            location = one_line(answer.headers.get("location", ""))
            raise XError(
                f"{self.base_url} redirected the request to "
                f"{location or 'an address it did not give'}, and the bot does "
                "not follow redirects with signed requests: check "
                f"{API_BASE_URL}."
            )
        return answer


def within_time_limit(send: Callable[[], Response]) -> Response:
    """What ``send()`` returns, if it returns within TIMEOUT_SECONDS.

    requests' own timeout limits each wait for the next bytes, not the whole
    request: a server that sends a byte every few seconds would hold the bot
    for ever. So ``send`` runs in a thread that is given up on at the time
    limit. That thread cannot be stopped: it is a daemon, so that it does not
    keep the program running, and it ends once the server stops sending or
    pauses longer than requests' timeout.
    """
    outcome: list[Response | Exception] = []

    def send_and_keep() -> None:
        try:
            outcome.append(send())
        except Exception as error:  # raised again below, in the caller's thread
            outcome.append(error)

    sending = threading.Thread(target=send_and_keep, daemon=True)
    sending.start()
    sending.join(TIMEOUT_SECONDS)
    if not outcome:
        raise TimeoutError
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


def fetch(method: str, url: str, **kwargs: Any) -> Response:
    """One request, never redirected, its answer read up to MAX_ANSWER_BYTES."""
    import requests

    answer = requests.request(
        method,
        url,
        timeout=TIMEOUT_SECONDS,
        allow_redirects=False,
        stream=True,
        **kwargs,
    )
    body = b""
    for chunk in answer.iter_content(64 * 1024):  # unpacked, if it was packed
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            answer.close()
            raise unanswered(
                "the answer was over 1 MiB, which X's never are", method, url, sent=True
            )
    answer._content = body  # what requests keeps once it read an answer
    return answer


def never_sent(error: Exception) -> bool:
    """Whether a request failed before it left: its URL was refused, or no
    connection was made."""
    import requests
    import urllib3

    if isinstance(error, (requests.ConnectTimeout, ValueError)):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def unanswered(what: str, method: str, url: str, *, sent: bool) -> XUnreachableError:
    """``what`` happened to a request, with what to do next."""
    if sent and is_post(method, url):
        return XUnreachableError(f"{what}, {MAYBE_POSTED}")
    return XUnreachableError(
        f"{what}: check the network connection and {API_BASE_URL}, then try again."
    )


def is_post(method: str, url: str) -> bool:
    return method == "POST" and urlsplit(url).path.endswith("/2/tweets")


def refusal(answer: Response, sources: Mapping[str, str]) -> BotError:
    """X's refusal of an API request as one error that says what to do."""
    status = answer.status_code
    body = json_object(answer)
    problem = body.get("type")
    kind = problem if isinstance(problem, str) else ""
    detail = one_line("; ".join(messages_in(body)))
    if status == 401:
        return CredentialsRejectedError(
            f"X rejected the credentials ({describe_sources(sources) or 'as given'}): "
            "if the app's keys were regenerated or its access revoked, run "
            f"`{COMMAND} auth` to authorize the bot again."
        )
    if status == 403 and "oauth1-permissions" in kind:
        return ReadOnlyAppError(
            "X refused: this token may only read. In the X developer portal, "
            "open the app's User authentication settings, set App permissions "
            f"to 'Read and write', then re-run `{COMMAND} auth` (tokens made "
            "before the change keep the old permission)."
        )
    if status == 403 and kind.endswith(NOT_ENROLLED):
        return XError(
            "X refused: the app is not on a usable API plan "
            f"({kind.rsplit('/', 1)[-1]}). In the X developer console, move the "
            "app to the Pay-per-use package and into the Production "
            "environment, then try again."
        )
    if status == 403 and "duplicate content" in detail:
        return DuplicatePostError(
            "X refused the post as a duplicate of one the bot already made "
            "(not retried): change the text."
        )
    if status == 429:
        return rate_limited(answer.headers)
    if status == 402:
        return CreditsDepletedError(
            "X refused (402 Payment Required): the account's API credits are "
            "used up. Add credits in the X developer console, then try again."
        )
    if status >= 500 and is_post(str(answer.request.method), str(answer.request.url)):
        return XUnreachableError(f"X failed ({status}), {MAYBE_POSTED}")
    if status >= 500:
        return XUnreachableError(f"X failed ({status}): try again later.")
    return XError(f"X refused the request ({status}): {detail or 'no details'}.")


def data_field(answer: Response, name: str, nonsense: str) -> str:
    """``data.<name>`` of X's JSON answer, as one line; XError(``nonsense``)
    unless it is text."""
    data = json_object(answer).get("data")
    value = data.get(name) if isinstance(data, dict) else None
    shown = one_line(value) if isinstance(value, str) else ""
    if not shown:
        raise XError(nonsense)
    return shown


def json_object(answer: Response) -> dict[str, Any]:
    """X's answer as a JSON object; empty if it is none (not JSON, a list...)."""
    try:
        body = answer.json()
    except (ValueError, RecursionError):  # not JSON, or nested beyond reading
        return {}
    return body if isinstance(body, dict) else {}


def messages_in(body: dict[str, Any]) -> list[str]:
    """X's messages in a refusal: each ``errors[].message`` (or a plain
    string entry) and a v1.1 ``error``, else the problem's ``detail``.
    Whatever is not text is left out."""
    errors = body.get("errors")
    entries = [*(errors if isinstance(errors, list) else []), body.get("error")]
    messages = [
        entry.get("message") if isinstance(entry, dict) else entry for entry in entries
    ]
    texts = [text for text in messages if isinstance(text, str) and text]
    if not texts and isinstance(body.get("detail"), str):
        texts = [body["detail"]]
    return texts


def rate_limited(headers: Mapping[str, str]) -> RateLimitedError:
    """Say which limit is used up and when it resets.

    A 429 always carries the 15-minute window's ``x-rate-limit-reset``; when
    a 24-hour cap is what ran out, its own reset, hours away, is the one
    that counts.
    """
    used_up = [cap for cap in DAILY_CAPS if headers.get(f"{cap}-remaining") == "0"]
    if used_up:
        limit = f"X's 24-hour posting limit for {DAILY_CAPS[used_up[0]]}"
        reset, window = headers.get(f"{used_up[0]}-reset"), "24 hours"
    else:
        limit = "X's rate limit"
        reset, window = headers.get("x-rate-limit-reset"), "15 minutes"
    reset_at = epoch_time(reset)
    when = moment(reset_at) if reset_at else f"within {window}"
    return RateLimitedError(
        f"{limit} is used up; it resets {when}: try again after that.", reset_at
    )


def epoch_time(header: str | None) -> datetime | None:
    """The local time in a reset header (epoch seconds); None unless it is a
    whole number of seconds that the local clock can show."""
    seconds = (header or "").strip()
    if not (seconds.isascii() and seconds.isdigit()):  # "²".isdigit() is true
        return None
    try:
        return datetime.fromtimestamp(int(seconds), tz=timezone.utc).astimezone()
    except (OverflowError, OSError, ValueError):  # out of range, or 5000 digits
        return None


def moment(when: datetime) -> str:
    """``at 16:00 CET``, or ``on 2026-11-28 at 09:00 CET`` when not today."""
    local = when.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return f"at {local:%H:%M %Z}"
    return f"on {local:%Y-%m-%d} at {local:%H:%M %Z}"
