"""What the sandbox answers to each request: X's endpoints and the control ones.

Every handler takes the shared state and one ``Incoming`` request and returns a
``Reply``; ``server.py`` does the HTTP plumbing around them.
"""

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

from twitter_text import parse_tweet

from sandbox import oauth, pages, wire
from sandbox.oauth import SignedRequest
from sandbox.state import DEFAULT_USERNAME, AccessToken, Quota, SandboxState
from sandbox.wire import Reply

APP_NAME = "Sandbox App"
HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")  # what X allows in a @handle
DELETE_TWEET = re.compile(r"/2/tweets/(\d+)")


@dataclass(frozen=True)
class Incoming:
    method: str
    path: str  # without the query
    query: str
    authorization: str | None
    content_type: str
    body: bytes
    from_loopback: bool

    def query_value(self, name: str, default: str = "") -> str:
        return parse_qs(self.query).get(name, [default])[0]

    def form_value(self, name: str, default: str = "") -> str:
        return parse_qs(self.body.decode(errors="replace")).get(name, [default])[0]

    def signed(self) -> SignedRequest | None:
        form_body = ""
        if self.content_type.startswith(wire.FORM):
            form_body = self.body.decode(errors="replace")
        return oauth.read_signed_request(
            self.method, self.path, self.query, self.authorization, form_body
        )


def handle(state: SandboxState, request: Incoming) -> Reply:
    if request.path.startswith("/_sandbox/") and not request.from_loopback:
        return Reply(
            403, b"The sandbox is controlled from this computer only.", wire.TEXT
        )
    route = ROUTES.get((request.method, request.path))
    if route is not None:
        return route(state, request)
    match = DELETE_TWEET.fullmatch(request.path)
    if request.method == "DELETE" and match:
        return delete_tweet(state, request, match.group(1))
    return Reply(404, wire.PAGE_DOES_NOT_EXIST)


# --- checking signatures ----------------------------------------------------


def _is_genuine(state: SandboxState, signed: SignedRequest, token_secret: str) -> bool:
    """Right app, right signature, signed just now, and never seen before."""
    return (
        signed.consumer_key == state.consumer_key
        and oauth.signature_matches(signed, state.consumer_secret, token_secret)
        and oauth.is_recent(signed.timestamp)
        and state.use_nonce(signed.nonce)
    )


def _user_token(state: SandboxState, request: Incoming) -> AccessToken | None:
    """The access token a /2/ request was genuinely signed with, if any."""
    signed = request.signed()
    if signed is None:
        return None
    access_token = state.access_token(signed.token)
    if access_token is None or not _is_genuine(state, signed, access_token.secret):
        return None
    return access_token


def _not_authenticated() -> Reply:
    return Reply(401, wire.COULD_NOT_AUTHENTICATE)


# --- the OAuth 1.0a PIN flow ------------------------------------------------


def request_token(state: SandboxState, request: Incoming) -> Reply:
    signed = request.signed()
    if signed is None or not _is_genuine(state, signed, token_secret=""):
        return _not_authenticated()
    if signed.callback != "oob":  # the sandbox app approves no callback URLs
        return Reply(403, wire.CALLBACK_NOT_APPROVED, wire.XML)
    access_type = request.query_value("x_auth_access_type") or None
    new_token = state.new_request_token(access_type)
    body = urlencode(
        {
            "oauth_token": new_token.token,
            "oauth_token_secret": new_token.secret,
            "oauth_callback_confirmed": "true",
        }
    )
    return Reply(200, body.encode(), wire.FORM)


def authorize_page(state: SandboxState, request: Incoming) -> Reply:
    token = request.query_value("oauth_token")
    request_token = state.request_token(token)
    if request_token is None:
        return Reply(401, pages.invalid_token_page(), wire.HTML)
    username = request.query_value("screen_name") or DEFAULT_USERNAME
    read_only = state.token_would_be_read_only(request_token)
    page = pages.authorize_page(APP_NAME, token, username, read_only)
    return Reply(200, page, wire.HTML)


def authorize_submit(state: SandboxState, request: Incoming) -> Reply:
    token = request.form_value("oauth_token")
    username = request.form_value("username").strip().removeprefix("@")
    request_token = state.request_token(token)
    if request_token is None:
        return Reply(401, pages.invalid_token_page(), wire.HTML)
    if not HANDLE.fullmatch(username):
        error = "A username has 1 to 15 letters, digits or underscores."
        read_only = state.token_would_be_read_only(request_token)
        page = pages.authorize_page(APP_NAME, token, username, read_only, error)
        return Reply(400, page, wire.HTML)
    try:
        pin = state.authorize(token, username)
    except KeyError:  # used up by another request in the meantime
        return Reply(401, pages.invalid_token_page(), wire.HTML)
    return Reply(200, pages.pin_page(APP_NAME, username, pin), wire.HTML)


def access_token(state: SandboxState, request: Incoming) -> Reply:
    signed = request.signed()
    if signed is None or signed.consumer_key != state.consumer_key:
        return _not_authenticated()
    request_token = state.request_token(signed.token)
    if request_token is None:
        return Reply(401, wire.INVALID_REQUEST_TOKEN, wire.TEXT)
    if not _is_genuine(state, signed, request_token.secret):
        return _not_authenticated()
    new_token = state.exchange_pin(signed.token, signed.verifier)
    if new_token is None:
        return Reply(401, wire.INVALID_VERIFIER, wire.TEXT)
    body = urlencode(
        {
            "oauth_token": new_token.token,
            "oauth_token_secret": new_token.secret,
            "user_id": new_token.user.id,
            "screen_name": new_token.user.username,
        }
    )
    return Reply(200, body.encode(), wire.FORM)


# --- the v2 API ---------------------------------------------------------------


def _limit_headers(prefix: str, quota: Quota) -> dict[str, str]:
    return {
        f"{prefix}-limit": str(quota.limit),
        f"{prefix}-remaining": str(quota.remaining),
        f"{prefix}-reset": str(quota.reset),
    }


def _rate_limited(quota: Quota) -> Reply:
    return Reply(
        429, wire.TOO_MANY_REQUESTS, headers=_limit_headers("x-rate-limit", quota)
    )


def users_me(state: SandboxState, request: Incoming) -> Reply:
    token = _user_token(state, request)
    if token is None:
        return Reply(401, wire.UNAUTHORIZED)
    quota = state.take_quota("users/me", token.user.id)
    if not quota.allowed:
        return _rate_limited(quota)
    user = token.user
    body = {"data": {"id": user.id, "name": user.name, "username": user.username}}
    headers = _limit_headers("x-rate-limit", quota)
    headers["x-access-level"] = token.access_level
    return Reply(200, wire.compact_json(body), headers=headers)


def _injected_failure(status: int) -> Reply:
    """The answer X gives for each status a test can ask for with fail_next_post."""
    if status == 429:
        reset = int(time.time()) + 15 * 60
        return _rate_limited(Quota(limit=100, remaining=0, reset=reset, allowed=False))
    bodies = {
        400: wire.TEXT_TOO_LONG,
        401: wire.UNAUTHORIZED,
        402: wire.CREDITS_DEPLETED,
        403: wire.DUPLICATE_CONTENT,
        503: wire.SERVICE_UNAVAILABLE,
    }
    return Reply(status, bodies[status])


def _text_of(body: bytes) -> str | None:
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    text = payload.get("text") if isinstance(payload, dict) else None
    return text if isinstance(text, str) else None


def create_tweet(state: SandboxState, request: Incoming) -> Reply:
    failure = state.pop_failure()
    if failure is not None:
        return _injected_failure(failure)
    token = _user_token(state, request)
    if token is None:
        return Reply(401, wire.UNAUTHORIZED)
    if token.read_only:
        return Reply(403, wire.NO_WRITE_PERMISSION)

    user_id = token.user.id
    quota = state.take_quota("post", user_id)
    if not quota.allowed:
        return _rate_limited(quota)
    user_day = state.take_quota("post/user/24h", user_id)
    app_day = state.take_quota("post/app/24h", state.consumer_key)
    headers = {
        **_limit_headers("x-rate-limit", quota),
        **_limit_headers("x-user-limit-24hour", user_day),
        **_limit_headers("x-app-limit-24hour", app_day),
        "x-access-level": token.access_level,
    }
    if not (user_day.allowed and app_day.allowed):
        return Reply(429, wire.TOO_MANY_REQUESTS, headers=headers)

    text = _text_of(request.body)
    if text is None:
        message = 'The request body must be a JSON object with a "text" string.'
        return Reply(400, wire.invalid_request(message))
    if not parse_tweet(text).valid:  # too long by X's weighting, or empty
        return Reply(400, wire.TEXT_TOO_LONG)
    post = state.create_post(token.user, text)
    if post is None:
        return Reply(403, wire.DUPLICATE_CONTENT)

    body = {"data": {"edit_history_tweet_ids": [post.id], "id": post.id, "text": text}}
    headers["location"] = f"{oauth.PUBLIC_ROOT}/2/tweets/{post.id}"
    return Reply(201, wire.compact_json(body), headers=headers)


def delete_tweet(state: SandboxState, request: Incoming, tweet_id: str) -> Reply:
    token = _user_token(state, request)
    if token is None:
        return Reply(401, wire.UNAUTHORIZED)
    if token.read_only:
        return Reply(403, wire.NO_WRITE_PERMISSION)
    quota = state.take_quota("delete", token.user.id)
    if not quota.allowed:
        return _rate_limited(quota)
    post = state.find_post(tweet_id)
    if post is None:
        return Reply(404, wire.tweet_not_found(tweet_id))
    if post.username != token.user.username:
        return Reply(403, wire.NOT_YOUR_TWEET)
    state.delete_post(tweet_id)
    headers = _limit_headers("x-rate-limit", quota)
    return Reply(200, b'{"data":{"deleted":true}}', headers=headers)


# --- pages and control --------------------------------------------------------


def home(state: SandboxState, request: Incoming) -> Reply:
    return Reply(200, pages.home_page(state.posts()), wire.HTML)


def control_state(state: SandboxState, request: Incoming) -> Reply:
    body = {
        "posts": [post.as_dict() for post in state.posts()],
        "requests": [list(entry) for entry in state.requests()],
        "read_only": state.read_only,
    }
    return Reply(200, wire.compact_json(body))


def control_fail_next_post(state: SandboxState, request: Incoming) -> Reply:
    try:
        status = int(request.query_value("status"))
        state.fail_next_post(status)
    except ValueError as error:
        return Reply(400, wire.compact_json({"error": str(error)}))
    return Reply(200, wire.compact_json({"fail_next_post": status}))


def control_read_only(state: SandboxState, request: Incoming) -> Reply:
    state.read_only = request.query_value("on", "1") not in ("0", "false")
    return Reply(200, wire.compact_json({"read_only": state.read_only}))


Route = Callable[[SandboxState, Incoming], Reply]
ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/"): home,
    ("POST", "/oauth/request_token"): request_token,
    ("GET", "/oauth/authorize"): authorize_page,
    ("POST", "/oauth/authorize"): authorize_submit,
    ("POST", "/oauth/access_token"): access_token,
    ("GET", "/2/users/me"): users_me,
    ("POST", "/2/tweets"): create_tweet,
    ("GET", "/_sandbox/state"): control_state,
    ("POST", "/_sandbox/fail-next-post"): control_fail_next_post,
    ("POST", "/_sandbox/read-only"): control_read_only,
}
