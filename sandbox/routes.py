"""What the sandbox answers to each request: X's endpoints and the control ones.

Every handler takes the shared state and one ``Incoming`` request and returns a
``Reply``; ``server.py`` does the HTTP plumbing around them.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sandbox import length, media, oauth, pages, wire
from sandbox.incoming import (
    Incoming,
    caller_of,
    check_signature,
    could_not_authenticate,
    injected_failure,
    limit_headers,
    refuse_writer,
)
from sandbox.state import (
    DEFAULT_PROCESSING_FAILURE,
    DEFAULT_USERNAME,
    FAILURES,
    Media,
    SandboxState,
    User,
    random_token,
)
from sandbox.wire import Reply

APP_NAME = "Sandbox App"
HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")  # what X allows in a @handle
DELETE_TWEET = re.compile(r"/2/tweets/(\d+)")
STATUS_PAGE = re.compile(r"/i/status/(\d+)")  # the path of a post's x.com link
TCO_CODE_LENGTH = 10  # https://t.co/<10 letters and digits>


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
    match = media.CHUNKED_PATH.fullmatch(request.path)
    if request.method == "POST" and match:
        return media.chunked(state, request, match.group(1), match.group(2))
    match = STATUS_PAGE.fullmatch(request.path)
    if request.method == "GET" and match:
        return status_page(state, match.group(1))
    match = media.MEDIA_PATH.fullmatch(request.path)
    if request.method == "GET" and match:
        return media.media_file(state, match.group(1))
    return Reply(404, wire.PAGE_DOES_NOT_EXIST)


# --- the OAuth 1.0a PIN flow ------------------------------------------------


def request_token(state: SandboxState, request: Incoming) -> Reply:
    signed = request.signed()
    if signed is None:
        return could_not_authenticate(oauth.X_ROOT)
    check = check_signature(state, request, signed, token_secret="")
    if not check.genuine:
        return could_not_authenticate(check.root)
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
        return could_not_authenticate(oauth.X_ROOT)
    request_token = state.request_token(signed.token)
    if request_token is None:
        return Reply(401, wire.INVALID_REQUEST_TOKEN, wire.TEXT)
    check = check_signature(state, request, signed, request_token.secret)
    if not check.genuine:
        return could_not_authenticate(check.root)
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


def users_me(state: SandboxState, request: Incoming) -> Reply:
    caller = caller_of(state, request)
    quota = state.take_quota("users/me", caller.quota_key)
    headers = limit_headers("x-rate-limit", quota)
    if caller.token is None:
        return Reply(401, wire.UNAUTHORIZED, headers=headers)
    if not quota.allowed:
        return Reply(429, wire.TOO_MANY_REQUESTS, headers=headers)
    user = caller.token.user
    body = {"data": {"id": user.id, "name": user.name, "username": user.username}}
    headers["x-access-level"] = caller.token.access_level
    return Reply(200, wire.compact_json(body), headers=headers)


def create_tweet(state: SandboxState, request: Incoming) -> Reply:
    caller = caller_of(state, request)
    quota = state.take_quota("post", caller.quota_key)
    payload = request.json_object()
    failure = state.pop_failure()
    if failure is not None:
        media_ids = _media_ids_sent(payload)
        return injected_failure(state, failure, caller, quota, media_ids)
    headers = limit_headers("x-rate-limit", quota)
    refused = refuse_writer(caller, quota, headers)
    if refused is not None:
        return refused
    token = caller.token
    assert token is not None  # refuse_writer answered 401 otherwise

    user_day = state.take_quota("post/user/24h", token.user.id)
    app_day = state.take_quota("post/app/24h", state.consumer_key)
    headers.update(limit_headers("x-user-limit-24hour", user_day))
    headers.update(limit_headers("x-app-limit-24hour", app_day))
    headers["x-access-level"] = token.access_level
    if not (user_day.allowed and app_day.allowed):
        return Reply(429, wire.TOO_MANY_REQUESTS, headers=headers)

    new = _new_post(state, caller.root, token.user, payload, headers)
    if isinstance(new, Reply):
        return new
    post = state.create_post(token.user, new.text, new.media, new.in_reply_to)
    if post is None:
        return Reply(403, wire.DUPLICATE_CONTENT, headers=headers)

    shown = _with_media_link(new.text) if new.media else new.text
    body = {"data": {"edit_history_tweet_ids": [post.id], "id": post.id, "text": shown}}
    headers["location"] = f"{caller.root}/2/tweets/{post.id}"
    return Reply(201, wire.compact_json(body), headers=headers)


@dataclass(frozen=True)
class NewPost:
    """What a POST /2/tweets asks for, once X would take it."""

    text: str
    media: list[Media]
    in_reply_to: str | None


def _new_post(
    state: SandboxState,
    root: str,
    user: User,
    payload: dict[str, Any] | str,
    headers: dict[str, str],
) -> NewPost | Reply:
    """The post the body asks for, or X's refusal of it (but a duplicate)."""

    def invalid(body: bytes) -> Reply:
        return Reply(400, body, headers=headers)

    if isinstance(payload, str):
        return invalid(wire.invalid_request(root, payload))
    # With media attached the text may be empty, or left out as tweepy does.
    text = payload.get("text", "" if "media" in payload else None)
    if not isinstance(text, str):
        message = 'The request body must be a JSON object with a "text" string.'
        return invalid(wire.invalid_request(root, message))
    attached: list[Media] = []
    if "media" in payload:
        attached = _attached_media(state, user, payload["media"]) or []
        if not attached:
            return invalid(wire.media_ids_invalid(root, _media_ids_sent(payload)))
    if (text or not attached) and not length.is_valid_post(text):
        return invalid(wire.text_too_long(root))
    reply_to = None
    if "reply" in payload:
        reply_to = _reply_target(payload["reply"])
        if reply_to is None:
            message = "reply.in_reply_to_tweet_id must be the id of a post."  # inferred
            return invalid(wire.invalid_request(root, message))
        refused = _refuse_reply(state, user, reply_to, headers)
        if refused is not None:
            return refused
    return NewPost(text, attached, reply_to)


def _media_ids_sent(payload: dict[str, Any] | str) -> list[str]:
    """The media ids a post named, as strings, for X's answer refusing them."""
    attached = payload.get("media") if isinstance(payload, dict) else None
    ids = attached.get("media_ids") if isinstance(attached, dict) else None
    return [str(media_id) for media_id in ids] if isinstance(ids, list) else []


def _attached_media(
    state: SandboxState, user: User, attached: Any
) -> list[Media] | None:
    """The uploads ``{"media_ids": [...]}`` names; None unless X would take them."""
    ids = attached.get("media_ids") if isinstance(attached, dict) else None
    if not isinstance(ids, list):
        return None
    if not all(isinstance(media_id, str) for media_id in ids):
        return None  # also what could not be looked up: [{...}]
    return state.media_for_post(user, ids)


def _with_media_link(text: str) -> str:
    """The text as X answers it for a post with media: a t.co link appended."""
    link = f"https://t.co/{random_token(TCO_CODE_LENGTH)}"
    return f"{text} {link}" if text else link


def _reply_target(reply: Any) -> str | None:
    """The id in ``{"in_reply_to_tweet_id": "<id>"}``; None if there is none."""
    target = reply.get("in_reply_to_tweet_id") if isinstance(reply, dict) else None
    return target if isinstance(target, str) and target.isdigit() else None


def _refuse_reply(
    state: SandboxState, user: User, target_id: str, headers: dict[str, str]
) -> Reply | None:
    """X's 403 to a reply it does not allow; None if it does."""
    target = state.find_post(target_id)
    if target is None:
        return Reply(403, wire.REPLY_TO_INVISIBLE, headers=headers)
    # X's "summoned replies" rule (2026): another account's post only if its
    # author mentioned the replier. Replies to one's own posts (threads) pass.
    own = target.username.lower() == user.username.lower()
    if own or target.mentions(user.username) or not state.summoned_replies_only:
        return None
    return Reply(403, wire.REPLY_NOT_SUMMONED, headers=headers)


def delete_tweet(state: SandboxState, request: Incoming, tweet_id: str) -> Reply:
    caller = caller_of(state, request)
    quota = state.take_quota("delete", caller.quota_key)
    headers = limit_headers("x-rate-limit", quota)
    refused = refuse_writer(caller, quota, headers)
    if refused is not None:
        return refused
    token = caller.token
    assert token is not None  # refuse_writer answered 401 otherwise
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
    return Reply(200, pages.post_page(post, state.thread(post_id)), wire.HTML)


def control_state(state: SandboxState, request: Incoming) -> Reply:
    now = time.time()
    body = {
        "posts": [post.as_dict() for post in state.posts()],
        "media": [upload.as_dict(now) for upload in state.media()],
        "requests": [list(entry) for entry in state.requests()],
        "read_only": state.read_only,
        "callback_url_set": state.callback_url_set,
        "summoned_replies_only": state.summoned_replies_only,
        "processing_seconds": state.processing_seconds,
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


def control_fail_next_upload(state: SandboxState, request: Incoming) -> Reply:
    """``?status=429``: the next media request fails like that."""
    status = request.query_value("status")
    try:
        kind = state.fail_next_upload(int(status) if status.isdigit() else 0)
    except ValueError as error:
        return Reply(400, wire.compact_json({"error": str(error)}))
    answer = {"fail_next_upload": int(status), "kind": kind}
    return Reply(200, wire.compact_json(answer))


def control_fail_next_processing(state: SandboxState, request: Incoming) -> Reply:
    """``?message=...``, X's message for the failure (a default if left out)."""
    message = request.query_value("message") or DEFAULT_PROCESSING_FAILURE
    state.fail_next_processing(message)
    return Reply(200, wire.compact_json({"fail_next_processing": message}))


def control_processing_seconds(state: SandboxState, request: Incoming) -> Reply:
    """``?seconds=0.2``: how long each upload finalized from now on processes."""
    try:
        state.processing_seconds = float(request.query_value("seconds", "nan"))
    except ValueError as error:
        return Reply(400, wire.compact_json({"error": str(error)}))
    answer = {"processing_seconds": state.processing_seconds}
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


def control_summoned_replies_only(state: SandboxState, request: Incoming) -> Reply:
    state.summoned_replies_only = _switch_on(request)
    answer = {"summoned_replies_only": state.summoned_replies_only}
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
    ("POST", "/2/media/upload"): media.upload,
    ("GET", "/2/media/upload"): media.status,
    ("POST", "/2/media/upload/initialize"): media.initialize,
    ("POST", "/2/media/metadata"): media.metadata,
    ("GET", "/_sandbox/state"): control_state,
    ("POST", "/_sandbox/fail-next-post"): control_fail_next_post,
    ("POST", "/_sandbox/fail-next-upload"): control_fail_next_upload,
    ("POST", "/_sandbox/fail-next-processing"): control_fail_next_processing,
    ("POST", "/_sandbox/processing-seconds"): control_processing_seconds,
    ("POST", "/_sandbox/read-only"): control_read_only,
    ("POST", "/_sandbox/callback-url-set"): control_callback_url_set,
    ("POST", "/_sandbox/summoned-replies-only"): control_summoned_replies_only,
}
