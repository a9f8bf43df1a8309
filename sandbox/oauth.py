"""Checking OAuth 1.0a signatures the way X does.

X terminates TLS in front of its API servers, so it rebuilds the signature base
string from the *public* URL, ``https://api.twitter.com/<path>?<query>``, no
matter which machine the request finally reached. The sandbox does the same:
clients sign for api.twitter.com and are redirected to the sandbox after signing.

All the OAuth arithmetic (parameter collection, percent-encoding, HMAC-SHA1) is
oauthlib's; this module only decides which parameters go in.
"""

import time
from dataclasses import dataclass

from oauthlib.common import safe_string_equals
from oauthlib.oauth1 import Client
from oauthlib.oauth1.rfc5849 import signature

PUBLIC_ROOT = "https://api.twitter.com"
ALLOWED_CLOCK_SKEW = 300  # seconds either side of the server's clock


@dataclass(frozen=True)
class SignedRequest:
    """The OAuth parameters of one request, and the string its signature covers."""

    consumer_key: str
    token: str  # "" when the request carries no token (request_token)
    nonce: str
    timestamp: int
    signature: str
    callback: str | None
    verifier: str | None
    base_string: str


def read_signed_request(
    method: str, path: str, query: str, authorization: str | None, form_body: str = ""
) -> SignedRequest | None:
    """Parse an ``Authorization: OAuth ...`` request; None if it is not one.

    ``form_body`` is the body of an ``application/x-www-form-urlencoded``
    request (its parameters are signed too); pass "" for any other body.
    """
    if not authorization:
        return None
    try:
        params = signature.collect_parameters(
            uri_query=query,
            body=form_body,
            headers={"Authorization": authorization},
            exclude_oauth_signature=False,
        )
    except ValueError:  # not an OAuth header, or a badly encoded query
        return None

    oauth_names = [name for name, _ in params if name.startswith("oauth_")]
    if len(oauth_names) != len(set(oauth_names)):
        return None  # RFC 5849 3.2: each oauth_ parameter at most once
    oauth = {name: value for name, value in params if name.startswith("oauth_")}
    if oauth.get("oauth_signature_method") != "HMAC-SHA1":
        return None
    if oauth.get("oauth_version", "1.0") != "1.0":
        return None
    try:
        timestamp = int(oauth["oauth_timestamp"])
        consumer_key = oauth["oauth_consumer_key"]
        nonce = oauth["oauth_nonce"]
        given_signature = oauth["oauth_signature"]
    except (KeyError, ValueError):
        return None

    signed_params = [
        (name, value) for name, value in params if name != "oauth_signature"
    ]
    base_string = signature.signature_base_string(
        method,
        signature.base_string_uri(PUBLIC_ROOT + path),
        signature.normalize_parameters(signed_params),
    )
    return SignedRequest(
        consumer_key=consumer_key,
        token=oauth.get("oauth_token", ""),
        nonce=nonce,
        timestamp=timestamp,
        signature=given_signature,
        callback=oauth.get("oauth_callback"),
        verifier=oauth.get("oauth_verifier"),
        base_string=base_string,
    )


def signature_matches(
    request: SignedRequest, consumer_secret: str, token_secret: str
) -> bool:
    """Recompute the HMAC-SHA1 signature from the secrets we share with the client."""
    client = Client(
        request.consumer_key,
        client_secret=consumer_secret,
        resource_owner_secret=token_secret,
    )
    expected = signature.sign_hmac_sha1_with_client(request.base_string, client)
    return safe_string_equals(expected, request.signature)


def is_recent(timestamp: int, now: float | None = None) -> bool:
    """X refuses requests signed more than about five minutes away from now."""
    now = time.time() if now is None else now
    return abs(now - timestamp) <= ALLOWED_CLOCK_SKEW
