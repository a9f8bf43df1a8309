"""Checking OAuth 1.0a signatures the way X does.

A signature covers the URL the client sent the request to (RFC 5849 3.4.1.2:
scheme, the ``Host`` header with its port, path and query), so the sandbox
checks it against that URL: ``http://<Host>/<path>``, or ``https://<Host>``
when a TLS-terminating proxy stands in front. Unless told to be strict it also
accepts a signature made for X's public roots with the same path and query,
``https://api.x.com`` and ``https://api.twitter.com``: a client that was
rerouted to the sandbox after signing (tweepy must be: it hard-codes
api.twitter.com). A signature for any other host is refused, as X would.

All the OAuth arithmetic (parameter collection, percent-encoding, HMAC-SHA1) is
oauthlib's; this module only decides which parameters and URLs go in.
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from oauthlib.common import safe_string_equals
from oauthlib.oauth1 import Client
from oauthlib.oauth1.rfc5849 import signature

X_ROOT = "https://api.x.com"  # the host X documents (2025 on)
TWITTER_ROOT = "https://api.twitter.com"  # still answers; tweepy signs for it
PUBLIC_ROOTS = (X_ROOT, TWITTER_ROOT)
ALLOWED_CLOCK_SKEW = 300  # seconds either side of the server's clock


@dataclass(frozen=True)
class SignedRequest:
    """The OAuth parameters of one request, and what its signature covers."""

    method: str
    path: str  # without the query; the query is in ``normalized_parameters``
    normalized_parameters: str  # RFC 5849 3.4.1.3.2, without oauth_signature
    consumer_key: str
    token: str  # "" when the request carries no token (request_token)
    nonce: str
    timestamp: int
    signature: str
    callback: str | None
    verifier: str | None


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
    return SignedRequest(
        method=method,
        path=path,
        normalized_parameters=signature.normalize_parameters(signed_params),
        consumer_key=consumer_key,
        token=oauth.get("oauth_token", ""),
        nonce=nonce,
        timestamp=timestamp,
        signature=given_signature,
        callback=oauth.get("oauth_callback"),
        verifier=oauth.get("oauth_verifier"),
    )


def accepted_roots(host: str, public_roots: bool = True) -> tuple[str, ...]:
    """The roots a request that arrived with this ``Host`` header may be signed for.

    With ``public_roots=False`` only the URL as requested: ``http://<Host>``.
    """
    if not public_roots:
        return (f"http://{host}",)
    return (f"http://{host}", f"https://{host}", *PUBLIC_ROOTS)


def signed_root(
    request: SignedRequest,
    roots: Sequence[str],
    consumer_secret: str,
    token_secret: str,
) -> str | None:
    """The root in ``roots`` the request's signature was made for; None if none."""
    client = Client(
        request.consumer_key,
        client_secret=consumer_secret,
        resource_owner_secret=token_secret,
    )
    for root in roots:
        try:
            url = signature.base_string_uri(root + request.path)
        except ValueError:  # a Host header that is no host[:port]
            continue
        base_string = signature.signature_base_string(
            request.method, url, request.normalized_parameters
        )
        expected = signature.sign_hmac_sha1_with_client(base_string, client)
        if safe_string_equals(expected, request.signature):
            return root
    return None


def public_root(root: str | None) -> str:
    """X's public root a request signed for ``root`` is addressed to.

    api.twitter.com when the client signed for it; api.x.com, the host X
    documents, for everything else (the sandbox's own URL, or no valid
    signature at all). Problem types, ``location`` and the realm follow it.
    """
    if root is not None and urlsplit(root).hostname == "api.twitter.com":
        return TWITTER_ROOT
    return X_ROOT


def is_recent(timestamp: int, now: float | None = None) -> bool:
    """X refuses requests signed more than about five minutes away from now."""
    now = time.time() if now is None else now
    return abs(now - timestamp) <= ALLOWED_CLOCK_SKEW
