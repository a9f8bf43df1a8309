"""One request as it came in, who signed it, and the answers every v2 endpoint
shares: rate-limit headers, refusals before looking, injected failures.

``routes.py`` (OAuth, users, posts, pages) and ``media.py`` (uploads) both
build on this.
"""

import ipaddress
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from sandbox import oauth, wire
from sandbox.oauth import SignedRequest
from sandbox.state import FAILURES, AccessToken, Quota, SandboxState
from sandbox.wire import Reply

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

    @property
    def media_type(self) -> str:
        """The Content-Type without its parameters, lower-case."""
        return self.content_type.split(";")[0].strip().lower()

    def query_value(self, name: str, default: str = "") -> str:
        return parse_qs(self.query).get(name, [default])[0]

    def in_query(self, name: str) -> bool:
        return name in parse_qs(self.query, keep_blank_values=True)

    def form_value(self, name: str, default: str = "") -> str:
        return parse_qs(self.body.decode(errors="replace")).get(name, [default])[0]

    def signed(self) -> SignedRequest | None:
        # RFC 5849 signs the body only when it is form-urlencoded: never JSON,
        # never multipart fields (X refuses a signature that folds them in).
        form_body = ""
        if self.content_type.startswith(wire.FORM):
            form_body = self.body.decode(errors="replace")
        return oauth.read_signed_request(
            self.method, self.path, self.query, self.authorization, form_body
        )

    def json_object(self) -> dict[str, Any] | str:
        """The JSON object in the body, or X's message refusing the body."""
        if self.media_type != "application/json":
            return wire.NOT_JSON_MESSAGE
        try:
            payload = json.loads(self.body)
        except ValueError:  # also bytes that are not UTF-8
            return wire.INVALID_JSON_MESSAGE
        if not isinstance(payload, dict):
            return "The request body must be a JSON object."  # inferred
        return payload


# --- checking signatures ----------------------------------------------------


@dataclass(frozen=True)
class Check:
    """The verdict on one signed request."""

    genuine: bool  # right app and signature, signed just now, nonce never seen
    root: str  # X's public root it is addressed to: for realm and problem types


def check_signature(
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
    signed: bool = False  # whether it carried an OAuth 1.0a signature at all


def caller_of(state: SandboxState, request: Incoming) -> Caller:
    anonymous = Caller(None, oauth.X_ROOT, f"address:{request.client}")
    signed = request.signed()
    if signed is None:
        return anonymous
    token = state.access_token(signed.token)
    if token is None:
        return Caller(None, oauth.X_ROOT, anonymous.quota_key, signed=True)
    check = check_signature(state, request, signed, token.secret)
    if not check.genuine:
        return Caller(None, check.root, anonymous.quota_key, signed=True)
    return Caller(token, check.root, token.user.id, signed=True)


def could_not_authenticate(root: str, headers: dict[str, str] | None = None) -> Reply:
    header = wire.could_not_authenticate_header(root)
    headers = {**(headers or {}), "www-authenticate": header}
    return Reply(401, wire.COULD_NOT_AUTHENTICATE, headers=headers)


# --- what every v2 answer shares ------------------------------------------------


def limit_headers(prefix: str, quota: Quota) -> dict[str, str]:
    return {
        f"{prefix}-limit": str(quota.limit),
        f"{prefix}-remaining": str(quota.remaining),
        f"{prefix}-reset": str(quota.reset),
    }


def refuse_writer(
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


def injected_failure(
    state: SandboxState,
    kind: str,
    caller: Caller,
    quota: Quota,
    media_ids: list[str] | None = None,
) -> Reply:
    """X's answer for each kind a test can ask for with fail_next_post or
    fail_next_upload; ``media_ids``: those the refused request named."""
    if kind == "rate-limit":
        quota = Quota(quota.limit, 0, quota.reset, allowed=False)
    headers = limit_headers("x-rate-limit", quota)
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
        headers.update(limit_headers("x-user-limit-24hour", user_day))
        headers.update(limit_headers("x-app-limit-24hour", app_day))
    root = caller.root
    if kind == "media-ids-invalid":
        body = wire.media_ids_invalid(root, media_ids or [])
        return Reply(FAILURES[kind], body, headers=headers)
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
