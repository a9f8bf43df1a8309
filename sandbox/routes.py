"""What the sandbox answers to each request: X's endpoints and the control ones.

Every handler takes the shared state and one ``Incoming`` request and returns a
``Reply``; ``server.py`` does the HTTP plumbing around them.
"""

import ipaddress
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

from sandbox import length, oauth, pages, wire
from sandbox.oauth import SignedRequest
from sandbox.state import (
    DEFAULT_USERNAME,
    FAILURES,
    AccessToken,
    Quota,
    SandboxState,
)
from sandbox.wire import Reply

APP_NAME = "Sandbox App"
HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")  # what X allows in a @handle
DELETE_TWEET = re.compile(r"/2/tweets/(\d+)")
STATUS_PAGE = re.compile(r"/i/status/(\d+)")  # the path of a post's x.com link
DAY = 24 * 3600


@dataclass(frozen=True)
class Incoming:
    method: str
    path: str  # without the query
    query: str
    authorization: str | None
    content_type: str
    body: bytes
    host: str  # the Host header: host[:port] as the client addressed it
    client: str  # the client's IP address

    @property
    def from_loopback(self) -> bool:
        return ipaddress.ip_address(self.client).is_loopback

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
    match = STATUS_PAGE.fullmatch(request.path)
    if request.method == "GET" and match:
        return status_page(state, match.group(1))
    return Reply(404, wire.PAGE_DOES_NOT_EXIST)


# --- checking signatures ----------------------------------------------------


@dataclass(frozen=True)
class Check:
    """The verdict on one signed request."""

    genuine: bool  # right app and signature, signed just now, nonce never seen
    root: str  # X's public root it is addressed to: for realm and problem types


def _check(
    state: SandboxState, request: Incoming, signed: SignedRequest, token_secret: str
) -> Check:
    root = None
    if signed.consumer_key == state.consumer_key:
        roots = oauth.accepted_roots(request.host, state.public_roots)
        root = oauth.signed_root(signed, roots, state.consumer_secret, token_secret)
    genuine = (
        root is not None
        and oauth.is_recent(signed.timestamp)
        and state.use_nonce(signed.nonce)  # last: only a genuine request uses it up
    )
    return Check(genuine, oauth.public_root(root))


@dataclass(frozen=True)
class Caller:
    """Who sent a /2/ request, as far as its signature shows."""

    token: AccessToken | None  # None unless genuinely signed with a known token
    root: str  # X's public root the request is addressed to
    quota_key: str  # whose rate limits the request counts against


def _caller(state: SandboxState, request: Incoming) -> Caller:
    anonymous = Caller(None, oauth.X_ROOT, f"address:{request.client}")
    signed = request.signed()
    token = state.access_token(signed.token) if signed is not None else None
    if signed is None or token is None:
        return anonymous
    check = _check(state, request, signed, token.secret)
    if not check.genuine:
        return Caller(None, check.root, anonymous.quota_key)
    return Caller(token, check.root, token.user.id)


def _could_not_authenticate(root: str) -> Reply:
    header = wire.could_not_authenticate_header(root)
    return Reply(401, wire.COULD_NOT_AUTHENTICATE, headers={"www-authenticate": header})


# --- the OAuth 1.0a PIN flow ------------------------------------------------


def request_token(state: SandboxState, request: Incoming) -> Reply:
    signed = request.signed()
    if signed is None:
        return _could_not_authenticate(oauth.X_ROOT)
    check = _check(state, request, signed, token_secret="")
    if not check.genuine:
        return _could_not_authenticate(check.root)
    # The sandbox app approves no callback URL but "oob"; and X refuses even
    # "oob" when the app has no callback URL set in its settings.
    if signed.callback != "oob" or not state.callback_url_set:
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
    return Reply(200, body.encode(), wire.OAUTH_HTML)


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
        return _could_not_authenticate(oauth.X_ROOT)
    request_token = state.request_token(signed.token)
    if request_token is None:
        return Reply(401, wire.INVALID_REQUEST_TOKEN, wire.TEXT)
    check = _check(state, request, signed, request_token.secret)
    if not check.genuine:
        return _could_not_authenticate(check.root)
    new_token = state.exchange_pin(signed.token, signed.verifier)
    if new_token is None:
        header = wire.invalid_verifier_header(check.root)
        return Reply(
            401,
            wire.INVALID_VERIFIER,
            wire.OAUTH_HTML,
            headers={"www-authenticate": header},
        )
    body = urlencode(
        {
            "oauth_token": new_token.token,
            "oauth_token_secret": new_token.secret,
            "user_id": new_token.user.id,
            "screen_name": new_token.user.username,
        }
    )
    return Reply(200, body.encode(), wire.OAUTH_HTML)


# --- the v2 API: every answer carries the rate-limit headers -----------------


def _limit_headers(prefix: str, quota: Quota) -> dict[str, str]:
    return {
        f"{prefix}-limit": str(quota.limit),
        f"{prefix}-remaining": str(quota.remaining),
        f"{prefix}-reset": str(quota.reset),
    }


def users_me(state: SandboxState, request: Incoming) -> Reply:
    caller = _caller(state, request)
    quota = state.take_quota("users/me", caller.quota_key)
    headers = _limit_headers("x-rate-limit", quota)
    if caller.token is None:
        return Reply(401, wire.UNAUTHORIZED, headers=headers)
    if not quota.allowed:
        return Reply(429, wire.TOO_MANY_REQUESTS, headers=headers)
    user = caller.token.user
    body = {"data": {"id": user.id, "name": user.name, "username": user.username}}
    headers["x-access-level"] = caller.token.access_level
    return Reply(200, wire.compact_json(body), headers=headers)


def _injected_failure(
    state: SandboxState, kind: str, caller: Caller, quota: Quota
) -> Reply:
    """X's answer for each kind a test can ask for with fail_next_post."""
    if kind == "rate-limit":
        quota = Quota(quota.limit, 0, quota.reset, allowed=False)
    headers = _limit_headers("x-rate-limit", quota)
    if kind in ("user-24h", "app-24h"):
        # A 24-hour cap is used up, with its own reset a day away, while the
        # 15-minute window (x-rate-limit-*) still has room.
        user_day = state.take_quota("post/user/24h", caller.quota_key, use=False)
        app_day = state.take_quota("post/app/24h", state.consumer_key, use=False)
        day_reset = int(time.time()) + DAY
        if kind == "user-24h":
            user_day = Quota(user_day.limit, 0, day_reset, allowed=False)
        else:
            app_day = Quota(app_day.limit, 0, day_reset, allowed=False)
        headers.update(_limit_headers("x-user-limit-24hour", user_day))
        headers.update(_limit_headers("x-app-limit-24hour", app_day))
    root = caller.root
    bodies = {
        "text-too-long": wire.text_too_long(root),
        "unauthorized": wire.UNAUTHORIZED,
        "credits-depleted": wire.credits_depleted(root),
        "duplicate": wire.DUPLICATE_CONTENT,
        "client-not-enrolled": wire.client_not_enrolled(root),
        "client-forbidden": wire.client_forbidden(root),
        "rate-limit": wire.TOO_MANY_REQUESTS,
        "user-24h": wire.TOO_MANY_REQUESTS,
        "app-24h": wire.TOO_MANY_REQUESTS,
        "unavailable": wire.SERVICE_UNAVAILABLE,
    }
    return Reply(FAILURES[kind], bodies[kind], headers=headers)


def _text_of(body: bytes) -> str | None:
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    text = payload.get("text") if isinstance(payload, dict) else None
    return text if isinstance(text, str) else None


def _refuse_writer(
    caller: Caller, quota: Quota, headers: dict[str, str]
) -> Reply | None:
    """X's answer to a write it refuses before looking at it: 401 without a
    token, 403 for a read-only one, 429 past the 15-minute window; else None."""
    if caller.token is None:
        return Reply(401, wire.UNAUTHORIZED, headers=headers)
    if caller.token.read_only:
        return Reply(403, wire.no_write_permission(caller.root), headers=headers)
    if not quota.allowed:
        return Reply(429, wire.TOO_MANY_REQUESTS, headers=headers)
    return None


def create_tweet(state: SandboxState, request: Incoming) -> Reply:
    caller = _caller(state, request)
    quota = state.take_quota("post", caller.quota_key)
    failure = state.pop_failure()
    if failure is not None:
        return _injected_failure(state, failure, caller, quota)
    headers = _limit_headers("x-rate-limit", quota)
    refused = _refuse_writer(caller, quota, headers)
    if refused is not None:
        return refused
    token = caller.token
    assert token is not None  # _refuse_writer answered 401 otherwise

    user_day = state.take_quota("post/user/24h", token.user.id)
    app_day = state.take_quota("post/app/24h", state.consumer_key)
    headers.update(_limit_headers("x-user-limit-24hour", user_day))
    headers.update(_limit_headers("x-app-limit-24hour", app_day))
    headers["x-access-level"] = token.access_level
    if not (user_day.allowed and app_day.allowed):
        return Reply(429, wire.TOO_MANY_REQUESTS, headers=headers)

    text = _text_of(request.body)
    if text is None:
        message = 'The request body must be a JSON object with a "text" string.'
        return Reply(400, wire.invalid_request(caller.root, message), headers=headers)
    if not length.is_valid_post(text):
        return Reply(400, wire.text_too_long(caller.root), headers=headers)
    post = state.create_post(token.user, text)
    if post is None:
        return Reply(403, wire.DUPLICATE_CONTENT, headers=headers)

    body = {"data": {"edit_history_tweet_ids": [post.id], "id": post.id, "text": text}}
    headers["location"] = f"{caller.root}/2/tweets/{post.id}"
    return Reply(201, wire.compact_json(body), headers=headers)


def delete_tweet(state: SandboxState, request: Incoming, tweet_id: str) -> Reply:
    caller = _caller(state, request)
    quota = state.take_quota("delete", caller.quota_key)
    headers = _limit_headers("x-rate-limit", quota)
    refused = _refuse_writer(caller, quota, headers)
    if refused is not None:
        return refused
    token = caller.token
    assert token is not None  # _refuse_writer answered 401 otherwise
    post = state.find_post(tweet_id)
    if post is None:
        body = wire.tweet_not_found(caller.root, tweet_id)
        return Reply(404, body, headers=headers)
    if post.username != token.user.username:
        return Reply(403, wire.NOT_YOUR_TWEET, headers=headers)
    state.delete_post(tweet_id)
    return Reply(200, b'{"data":{"deleted":true}}', headers=headers)


# --- pages and control --------------------------------------------------------


def home(state: SandboxState, request: Incoming) -> Reply:
    return Reply(200, pages.home_page(state.posts()), wire.HTML)


def status_page(state: SandboxState, post_id: str) -> Reply:
    """One post's page, at the path of its x.com link (``/i/status/<id>``), so
    a bot pointed at the sandbox links to the post on the sandbox."""
    post = state.find_post(post_id)
    if post is None:
        return Reply(404, pages.missing_post_page(post_id), wire.HTML)
    return Reply(200, pages.post_page(post), wire.HTML)


def control_state(state: SandboxState, request: Incoming) -> Reply:
    body = {
        "posts": [post.as_dict() for post in state.posts()],
        "requests": [list(entry) for entry in state.requests()],
        "read_only": state.read_only,
        "callback_url_set": state.callback_url_set,
    }
    return Reply(200, wire.compact_json(body))


def control_fail_next_post(state: SandboxState, request: Incoming) -> Reply:
    """``?status=429``, ``?kind=user-24h``, or both."""
    status = request.query_value("status")
    try:
        kind = state.fail_next_post(
            int(status) if status else None, request.query_value("kind") or None
        )
    except ValueError as error:
        return Reply(400, wire.compact_json({"error": str(error)}))
    answer = {"fail_next_post": FAILURES[kind], "kind": kind}
    return Reply(200, wire.compact_json(answer))


def _switch_on(request: Incoming) -> bool:
    return request.query_value("on", "1") not in ("0", "false")


def control_read_only(state: SandboxState, request: Incoming) -> Reply:
    state.read_only = _switch_on(request)
    return Reply(200, wire.compact_json({"read_only": state.read_only}))


def control_callback_url_set(state: SandboxState, request: Incoming) -> Reply:
    state.callback_url_set = _switch_on(request)
    answer = {"callback_url_set": state.callback_url_set}
    return Reply(200, wire.compact_json(answer))


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
    ("POST", "/_sandbox/callback-url-set"): control_callback_url_set,
}
