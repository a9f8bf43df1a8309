"""The one place that talks to X, and that turns X's refusals into the bot's errors.

tweepy makes the requests it knows (posts, users/me) through ``RootSession``;
X's v2 media endpoints, which tweepy lacks, are signed here with
requests-oauthlib and sent the same way. The HTTP libraries take 0.15 s to
load: they are imported where a request is made, not at the top, so that
``--help`` answers at once.

Whatever a server answers is read as untrusted: a body of any shape is an
error that says so, and its text is shown through ``one_line``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
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
    MaybePostedError,
    MediaRejectedError,
    RateLimitedError,
    ReadOnlyAppError,
    XError,
    XUnreachableError,
    one_line,
)
from .media import Processing

if TYPE_CHECKING:
    import tweepy
    from requests import Response

# The longest the bot waits for one request, from sending it to the last
# byte of the answer.
TIMEOUT_SECONDS = 30
# An upload carries up to 4 MiB: over a slow line, sending it takes longer.
UPLOAD_TIMEOUT_SECONDS = 5 * 60
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
# How long media ids X just processed may still be "invalid" (what working
# clients wait before sending the post once more).
MEDIA_SETTLE_SECONDS = 3
# X's words when it refuses a reply under its "summoned replies" rule (2026).
NOT_SUMMONED = "you have not been mentioned or otherwise engaged"


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

    def post(
        self, text: str, media_ids: Sequence[str] = (), reply_to: str | None = None
    ) -> str:
        """Post ``text`` (``POST /2/tweets``) with the media uploaded before,
        as a reply to ``reply_to`` if given; return the new post's id.

        X may call media ids invalid for a few seconds after it processed
        them: then, and only then, the post is sent once more (a refused
        post was not made, so this cannot post twice).
        """

        def create(api: tweepy.Client) -> Response:
            answer: Response = api.create_tweet(
                text=text,
                media_ids=list(media_ids) or None,
                in_reply_to_tweet_id=reply_to,
                user_auth=True,
            )
            return answer

        try:
            answer = self.call(create)
        except MediaRejectedError:
            if not media_ids:
                raise
            time.sleep(MEDIA_SETTLE_SECONDS)
            answer = self.call(create)
        return id_in(
            answer,
            f"X's answer to POST /2/tweets made no sense, {MAYBE_POSTED}",
            MaybePostedError,
        )

    def upload_picture(self, data: bytes) -> str:
        """Upload a picture (``POST /2/media/upload``); return its media id."""
        answer = self.send(
            "POST",
            "/2/media/upload",
            files={"media": ("media", data)},
            data={"media_category": "tweet_image"},
            time_limit=UPLOAD_TIMEOUT_SECONDS,
        )
        return media_id_in(answer)

    def initialize_upload(self, media_type: str, size: int, category: str) -> str:
        """Start a chunked upload; return the media id the chunks go to."""
        answer = self.send(
            "POST",
            "/2/media/upload/initialize",
            json={
                "media_type": media_type,
                "total_bytes": size,
                "media_category": category,
            },
        )
        return media_id_in(answer)

    def append_chunk(self, media_id: str, index: int, chunk: bytes) -> None:
        """Send one chunk of a chunked upload (X answers any 2xx)."""
        self.send(
            "POST",
            f"/2/media/upload/{media_id}/append",
            files={"media": ("media", chunk)},
            data={"segment_index": str(index)},
            time_limit=UPLOAD_TIMEOUT_SECONDS,
        )

    def finalize_upload(self, media_id: str) -> Processing:
        """End a chunked upload; X then processes the file."""
        return processing_in(self.send("POST", f"/2/media/upload/{media_id}/finalize"))

    def upload_status(self, media_id: str) -> Processing:
        """How far X got with processing an upload."""
        answer = self.send(
            "GET",
            "/2/media/upload",
            params={"command": "STATUS", "media_id": media_id},
        )
        return processing_in(answer)

    def set_alt_text(self, media_id: str, text: str) -> None:
        """Give an upload its alt text (``POST /2/media/metadata``)."""
        self.send(
            "POST",
            "/2/media/metadata",
            json={"id": media_id, "metadata": {"alt_text": {"text": text}}},
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

    def send(self, method: str, path: str, **kwargs: Any) -> Response:
        """A request tweepy cannot make (X's v2 media endpoints: tweepy has
        only v1.1's, which X shut down), signed here; a refusal is a BotError.
        Only the query is signed: JSON bodies and multipart fields never are."""
        from requests_oauthlib import OAuth1

        signer = OAuth1(
            self.credentials.consumer_key,
            self.credentials.consumer_secret,
            self.credentials.access_token,
            self.credentials.access_token_secret,
        )
        url = self.credentials.base_url + path
        return self.request(method, url, auth=signer, **kwargs)

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

    def request(
        self,
        method: str,
        url: str,
        *,
        time_limit: float | None = None,
        **kwargs: Any,
    ) -> Response:
        """Send the request within ``time_limit`` seconds (TIMEOUT_SECONDS
        unless given); X's whole answer, or an XError (also for a 3xx)."""
        import requests

        if url.startswith(TWEEPY_ROOT + "/"):
            url = self.base_url + url[len(TWEEPY_ROOT) :]
        seconds = TIMEOUT_SECONDS if time_limit is None else time_limit
        try:
            answer = within_time_limit(lambda: fetch(method, url, **kwargs), seconds)
        except TimeoutError:
            raise unanswered(
                f"X did not answer within {seconds:g} s", method, url, sent=True
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


def within_time_limit(send: Callable[[], Response], seconds: float) -> Response:
    """What ``send()`` returns, if it returns within ``seconds``.

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
    sending.join(seconds)
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
        return MaybePostedError(f"{what}, {MAYBE_POSTED}")
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
    if status == 403 and NOT_SUMMONED in detail:
        return XError(
            "X refused the reply: since February 2026 a pay-per-use app may reply "
            "to someone else's post only when its author summoned the bot "
            "(mentioned it, or quoted one of its posts). The post was not sent."
        )
    if status == 400 and "media IDs are invalid" in detail:
        return MediaRejectedError(
            "X refused the post's media (Your media IDs are invalid.): they may "
            "have expired or not be ready yet; the post was not sent: try again."
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
        return MaybePostedError(f"X failed ({status}), {MAYBE_POSTED}")
    if status >= 500:
        return XUnreachableError(f"X failed ({status}): try again later.")
    return XError(
        f"X refused the request ({status}): {detail.rstrip('.') or 'no details'}."
    )


def data_field(answer: Response, name: str, nonsense: str) -> str:
    """``data.<name>`` of X's JSON answer, as one line; XError(``nonsense``)
    unless it is text."""
    data = json_object(answer).get("data")
    value = data.get(name) if isinstance(data, dict) else None
    shown = one_line(value) if isinstance(value, str) else ""
    if not shown:
        raise XError(nonsense)
    return shown


def media_id_in(answer: Response) -> str:
    """The media id in X's answer to an upload."""
    return id_in(answer, "X's answer to the upload made no sense: try again")


def id_in(answer: Response, nonsense: str, error: type[XError] = XError) -> str:
    """``data.id`` of X's answer: digits, as ids go into URLs, replies and
    commands the user is shown; ``error(nonsense)`` otherwise."""
    value = json_object(answer).get("data")
    found = value.get("id") if isinstance(value, dict) else None
    # X's ids are 19 digits today; room to grow, but not for a flood.
    if not (
        isinstance(found, str)
        and found.isascii()
        and found.isdigit()
        and len(found) <= 32
    ):
        raise error(nonsense)
    return found


def processing_in(answer: Response) -> Processing:
    """``data.processing_info`` of X's answer about an upload; none means
    the file is ready. An unknown state counts as still processing."""
    data = json_object(answer).get("data")
    info = data.get("processing_info") if isinstance(data, dict) else None
    if not isinstance(info, dict):
        return Processing("succeeded", 0)
    state, wait, percent = (
        info.get(key) for key in ("state", "check_after_secs", "progress_percent")
    )
    error = info.get("error")
    reason = messages_in({"errors": [error]}) if isinstance(error, dict) else []
    return Processing(
        state if isinstance(state, str) else "pending",
        advised_wait(wait),
        percent if isinstance(percent, int) else None,
        one_line("; ".join(reason)),
    )


def advised_wait(seconds: object) -> float:
    """X's ``check_after_secs``, within reason: at least a second, at most a
    minute; a second when it is no number (or NaN)."""
    if not isinstance(seconds, (int, float)) or not seconds >= 1:
        return 1
    return min(seconds, 60)  # compared, never converted: 10**400 is an int


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
