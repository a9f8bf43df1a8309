"""The sandbox answers like X, to clients this project did not write.

requests-oauthlib and tweepy go through the whole PIN flow, users/me and a post;
signatures are checked against the URL requested (or X's public roots); errors,
headers and content types are X's.
"""

import html
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests
import tweepy
import tweepy.auth
from helpers import TEMPLATE_DIR
from requests.adapters import HTTPAdapter
from requests_oauthlib import OAuth1, OAuth1Session

from sandbox import Sandbox, oauth
from sandbox.person import approve

X_ROOT = "https://api.x.com"
TWITTER_ROOT = "https://api.twitter.com"
JSON = "application/json; charset=utf-8"
OAUTH_HTML = "text/html;charset=utf-8"
COULD_NOT_AUTHENTICATE = (
    b'{"errors":[{"code":32,"message":"Could not authenticate you."}]}'
)
UNAUTHORIZED = (
    b'{"title":"Unauthorized","type":"about:blank","status":401,'
    b'"detail":"Unauthorized"}'
)
CALLBACK_NOT_APPROVED = (
    b"<?xml version='1.0' encoding='UTF-8'?>"
    b'<errors><error code="415">Callback URL not approved for this client '
    b"application. Approved callback URLs can be adjusted in your application "
    b"settings</error></errors>"
)
DAY = 24 * 3600


class Reroute(HTTPAdapter):
    """Sends requests made (and signed) for ``root`` to the sandbox instead."""

    def __init__(self, root: str, base_url: str) -> None:
        super().__init__()
        self.root = root
        self.base_url = base_url

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> Any:  # type: ignore[override]
        assert request.url is not None
        request.url = request.url.replace(self.root, self.base_url, 1)
        return super().send(request, **kwargs)


def routed(
    session: requests.Session, base_url: str, root: str = TWITTER_ROOT
) -> requests.Session:
    """Reroute the session's requests for ``root`` to ``base_url``, after
    signing (no adapter when ``root`` is ``base_url``)."""
    if root != base_url:
        session.mount(root + "/", Reroute(root, base_url))
    return session


def signed_session(
    sandbox: Sandbox, root: str = X_ROOT, **oauth1: Any
) -> requests.Session:
    """A session signing with the sandbox app's key and ``oauth1``, for URLs
    under ``root``, that reaches the sandbox (rerouted unless it is its URL)."""
    session = routed(requests.Session(), sandbox.base_url, root)
    session.auth = OAuth1(
        sandbox.consumer_key, client_secret=sandbox.consumer_secret, **oauth1
    )
    return session


def user_session(
    sandbox: Sandbox,
    root: str = X_ROOT,
    *,
    username: str = "sandbox_bot",
    read_only: bool = False,
    **oauth1: Any,
) -> requests.Session:
    """``signed_session`` with a new access token for ``username``."""
    token, secret = sandbox.issue_token(username, read_only)
    return signed_session(
        sandbox, root, resource_owner_key=token, resource_owner_secret=secret, **oauth1
    )


def approve_on(sandbox: Sandbox, authorize_url: str, username: str) -> str:
    """A person opens the link (their browser lands on the sandbox, whatever
    root it names), clicks "Authorize app" and reads the PIN."""
    url = urlsplit(authorize_url)
    return approve(f"{sandbox.base_url}{url.path}?{url.query}", username)


def make_client(sandbox: Sandbox, token: str, secret: str) -> tweepy.Client:
    client = tweepy.Client(
        consumer_key=sandbox.consumer_key,
        consumer_secret=sandbox.consumer_secret,
        access_token=token,
        access_token_secret=secret,
    )
    routed(client.session, sandbox.base_url)
    return client


@pytest.fixture
def oauth_handler(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> tweepy.OAuth1UserHandler:
    """tweepy's PIN-flow handler, with every OAuth1Session it makes routed."""

    class RoutedOAuth1Session(OAuth1Session):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            routed(self, sandbox.base_url)

    monkeypatch.setattr(tweepy.auth, "OAuth1Session", RoutedOAuth1Session)
    return tweepy.OAuth1UserHandler(
        sandbox.consumer_key, sandbox.consumer_secret, callback="oob"
    )


# --- the whole journey, with clients this project did not write -------------


def requests_oauthlib_journey(sandbox: Sandbox, root: str) -> requests.Response:
    """requests-oauthlib's PIN flow for URLs under ``root``, then users/me and a
    post; returns the post's answer."""
    session = OAuth1Session(
        sandbox.consumer_key, client_secret=sandbox.consumer_secret, callback_uri="oob"
    )
    routed(session, sandbox.base_url, root)
    session.fetch_request_token(root + "/oauth/request_token?x_auth_access_type=write")
    authorize_url = session.authorization_url(root + "/oauth/authorize")
    pin = approve_on(sandbox, authorize_url, "class_bot")
    access = session.fetch_access_token(root + "/oauth/access_token", verifier=pin)
    assert access["screen_name"] == "class_bot"

    me = session.get(root + "/2/users/me")
    assert me.status_code == 200, me.text
    assert me.json()["data"]["username"] == "class_bot"
    posted = session.post(root + "/2/tweets", json={"text": "Hello, class!"})
    assert posted.status_code == 201, posted.text
    assert [post["text"] for post in sandbox.posts] == ["Hello, class!"]
    return posted


def test_requests_oauthlib_signing_for_the_sandbox_url(strict_sandbox: Sandbox) -> None:
    """Used plainly, no adapter: it signs for the URL it sends to."""
    posted = requests_oauthlib_journey(strict_sandbox, strict_sandbox.base_url)
    post_id = posted.json()["data"]["id"]
    assert posted.headers["location"] == f"{X_ROOT}/2/tweets/{post_id}"


def test_requests_oauthlib_signing_for_api_x_com(sandbox: Sandbox) -> None:
    requests_oauthlib_journey(sandbox, X_ROOT)
    assert sandbox.requests == [
        ("POST", "/oauth/request_token"),
        ("GET", "/oauth/authorize"),
        ("POST", "/oauth/authorize"),
        ("POST", "/oauth/access_token"),
        ("GET", "/2/users/me"),
        ("POST", "/2/tweets"),
    ]


def test_tweepy_completes_the_pin_flow_and_posts(
    sandbox: Sandbox, oauth_handler: tweepy.OAuth1UserHandler
) -> None:
    url = oauth_handler.get_authorization_url(access_type="write")
    assert url.startswith(TWITTER_ROOT + "/oauth/authorize?oauth_token=")
    pin = approve_on(sandbox, url + "&force_login=true", "demo_bot")
    assert re.fullmatch(r"\d{7}", pin)
    token, secret = oauth_handler.get_access_token(pin)
    client = make_client(sandbox, token, secret)

    me = client.get_me(user_auth=True).data
    assert me.username == "demo_bot"
    assert token.startswith(f"{me.id}-")

    created = client.create_tweet(text="Hello from the sandbox!")
    post_id = created.data["id"]
    assert re.fullmatch(r"\d{19}", post_id)
    assert created.data["edit_history_tweet_ids"] == [post_id]
    assert sandbox.posts[0]["id"] == post_id
    assert sandbox.posts[0]["username"] == "demo_bot"

    with pytest.raises(tweepy.Forbidden) as refused:
        client.create_tweet(text="Hello from the sandbox!")
    assert refused.value.api_messages == [
        "You are not allowed to create a Tweet with duplicate content."
    ]


def test_wrong_pin_is_refused_and_the_right_one_still_works(
    sandbox: Sandbox, oauth_handler: tweepy.OAuth1UserHandler
) -> None:
    pin = approve_on(sandbox, oauth_handler.get_authorization_url(), "demo_bot")
    wrong = "0000000" if pin != "0000000" else "1111111"
    with pytest.raises(tweepy.TweepyException, match="Invalid oauth_verifier"):
        oauth_handler.get_access_token(wrong)
    oauth_handler.get_access_token(pin)


def test_request_token_and_pin_are_single_use(
    sandbox: Sandbox, oauth_handler: tweepy.OAuth1UserHandler
) -> None:
    oauth_handler.get_authorization_url()
    pin = sandbox.authorize(oauth_handler.request_token["oauth_token"])
    oauth_handler.get_access_token(pin)
    with pytest.raises(tweepy.TweepyException, match="Invalid request token"):
        oauth_handler.get_access_token(pin)


# --- the OAuth endpoints' answers ----------------------------------------------


def request_token(sandbox: Sandbox) -> dict[str, str]:
    session = signed_session(sandbox, callback_uri="oob")
    answer = session.post(X_ROOT + "/oauth/request_token")
    assert answer.status_code == 200, answer.text
    return dict(pair.split("=") for pair in answer.text.split("&"))


def test_request_token_answers_a_form_as_text_html(sandbox: Sandbox) -> None:
    session = signed_session(sandbox, callback_uri="oob")
    response = session.post(X_ROOT + "/oauth/request_token?x_auth_access_type=write")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == OAUTH_HTML
    assert re.fullmatch(
        r"oauth_token=\w+&oauth_token_secret=\w+&oauth_callback_confirmed=true",
        response.text,
    )


def test_access_token_accepts_the_verifier_in_the_query(sandbox: Sandbox) -> None:
    fields = request_token(sandbox)
    pin = sandbox.authorize(fields["oauth_token"], username="query_bot")
    exchange = signed_session(
        sandbox,
        resource_owner_key=fields["oauth_token"],
        resource_owner_secret=fields["oauth_token_secret"],
    )
    response = exchange.post(X_ROOT + f"/oauth/access_token?oauth_verifier={pin}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == OAUTH_HTML
    assert re.fullmatch(
        r"oauth_token=(\d+)-\w+&oauth_token_secret=\w+&user_id=\1"
        r"&screen_name=query_bot",
        response.text,
    )


def test_wrong_pin_answer(sandbox: Sandbox) -> None:
    fields = request_token(sandbox)
    sandbox.authorize(fields["oauth_token"])
    exchange = signed_session(
        sandbox,
        resource_owner_key=fields["oauth_token"],
        resource_owner_secret=fields["oauth_token_secret"],
        verifier="not-the-pin",
    )
    response = exchange.post(X_ROOT + "/oauth/access_token")
    assert response.status_code == 401
    assert response.headers["Content-Type"] == OAUTH_HTML
    assert response.headers["www-authenticate"] == f'OAuth realm="{X_ROOT}"'
    assert response.content == (
        b"Error processing your OAuth request: Invalid oauth_verifier parameter"
    )


def test_unknown_request_token_answer(sandbox: Sandbox) -> None:
    exchange = signed_session(
        sandbox, resource_owner_key="unknown", resource_owner_secret="x", verifier="1"
    )
    response = exchange.post(X_ROOT + "/oauth/access_token")
    assert response.status_code == 401
    assert response.content == b"Invalid request token"


def test_request_token_refuses_a_callback_url(sandbox: Sandbox) -> None:
    session = signed_session(sandbox, callback_uri="https://example.com/back")
    response = session.post(X_ROOT + "/oauth/request_token")
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/xml"
    assert response.content == CALLBACK_NOT_APPROVED


def test_without_a_callback_url_in_the_app_settings_even_oob_is_refused(
    sandbox: Sandbox, oauth_handler: tweepy.OAuth1UserHandler
) -> None:
    sandbox.callback_url_set = False
    with pytest.raises(tweepy.TweepyException, match="Callback URL not approved"):
        oauth_handler.get_authorization_url()
    sandbox.callback_url_set = True
    assert oauth_handler.get_authorization_url().startswith(TWITTER_ROOT)


def test_authorize_page_refuses_an_unknown_token(sandbox: Sandbox) -> None:
    page = requests.get(sandbox.base_url + "/oauth/authorize?oauth_token=nonsense")
    assert page.status_code == 401
    assert "request token for this page is invalid" in page.text


# --- signatures -------------------------------------------------------------------

# X's "Creating a signature" example (developer docs), and its secrets.
EXAMPLE_CONSUMER_SECRET = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
EXAMPLE_TOKEN_SECRET = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
EXAMPLE_SIGNATURES = {
    X_ROOT: "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=",
    TWITTER_ROOT: "hCtSmYh+iHYCEqBWrE7C7hYmtUk=",  # the older version of the page
}


def documented_example(signature: str) -> oauth.SignedRequest:
    """POST /1.1/statuses/update.json as X's page signs it, with ``signature``."""
    header = {
        "oauth_consumer_key": "xvz1evFS4wEEPTGEFPHBog",
        "oauth_nonce": "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        "oauth_signature": signature,
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": "1318622958",
        "oauth_token": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        "oauth_version": "1.0",
    }
    authorization = "OAuth " + ", ".join(
        f'{name}="{quote(value, safe="")}"' for name, value in header.items()
    )
    status = quote("Hello Ladies + Gentlemen, a signed OAuth request!", safe="")
    request = oauth.read_signed_request(
        "POST",
        "/1.1/statuses/update.json",
        "include_entities=true",
        authorization,
        form_body=f"status={status}",
    )
    assert request is not None
    return request


def signed_for(request: oauth.SignedRequest, roots: tuple[str, ...]) -> str | None:
    return oauth.signed_root(
        request, roots, EXAMPLE_CONSUMER_SECRET, EXAMPLE_TOKEN_SECRET
    )


@pytest.mark.parametrize("root", [X_ROOT, TWITTER_ROOT])
def test_x_documented_signature_is_accepted_for_its_own_root(root: str) -> None:
    request = documented_example(EXAMPLE_SIGNATURES[root])
    assert signed_for(request, (root,)) == root
    assert signed_for(request, oauth.accepted_roots("127.0.0.1:8765")) == root
    strict = oauth.accepted_roots("127.0.0.1:8765", public_roots=False)
    assert signed_for(request, strict) is None


def test_x_documented_signature_is_refused_for_another_host() -> None:
    request = documented_example(EXAMPLE_SIGNATURES[X_ROOT])
    assert signed_for(request, ("https://example.com",)) is None
    assert signed_for(request, (TWITTER_ROOT,)) is None


def test_signature_for_the_url_requested_is_accepted(
    strict_sandbox: Sandbox,
) -> None:
    """No need to sign for api.twitter.com and be rerouted any more."""
    url = strict_sandbox.base_url
    assert user_session(strict_sandbox, url).get(url + "/2/users/me").status_code == 200


def test_signature_for_another_host_is_refused(sandbox: Sandbox) -> None:
    elsewhere = "https://example.com"
    response = signed_session(sandbox, elsewhere, callback_uri="oob").post(
        elsewhere + "/oauth/request_token"
    )
    assert response.status_code == 401
    assert response.content == COULD_NOT_AUTHENTICATE
    assert response.headers["Content-Type"] == JSON
    assert (
        response.headers["www-authenticate"]
        == f'OAuth realm="{X_ROOT}", api_error_code=32'
    )
    me = user_session(sandbox, elsewhere).get(elsewhere + "/2/users/me")
    assert me.status_code == 401
    assert me.content == UNAUTHORIZED


def test_signature_for_https_on_the_same_host_is_accepted(sandbox: Sandbox) -> None:
    """As when a TLS-terminating proxy stands in front of the sandbox."""
    https_root = sandbox.base_url.replace("http://", "https://", 1)
    me = user_session(sandbox, https_root).get(https_root + "/2/users/me")
    assert me.status_code == 200


@pytest.mark.parametrize(
    "root", [X_ROOT, TWITTER_ROOT, "https-on-the-same-host"], ids=str
)
def test_strict_sandbox_accepts_only_the_url_requested(
    strict_sandbox: Sandbox, root: str
) -> None:
    if root == "https-on-the-same-host":
        root = strict_sandbox.base_url.replace("http://", "https://", 1)
    response = signed_session(strict_sandbox, root, callback_uri="oob").post(
        root + "/oauth/request_token"
    )
    assert response.status_code == 401
    assert response.content == COULD_NOT_AUTHENTICATE
    me = user_session(strict_sandbox, root).get(root + "/2/users/me")
    assert me.status_code == 401


def test_wrong_consumer_secret_is_refused_on_oauth_endpoints(
    sandbox: Sandbox,
) -> None:
    session = routed(requests.Session(), sandbox.base_url, X_ROOT)
    session.auth = OAuth1(sandbox.consumer_key, "wrong", callback_uri="oob")
    response = session.post(X_ROOT + "/oauth/request_token")
    assert response.status_code == 401
    assert response.content == COULD_NOT_AUTHENTICATE
    assert response.headers["Content-Type"] == JSON


def test_realm_names_the_root_signed_for(sandbox: Sandbox) -> None:
    """A stale request signed for api.twitter.com is refused in its realm."""
    stale = str(int(time.time()) - 400)
    session = signed_session(sandbox, TWITTER_ROOT, callback_uri="oob", timestamp=stale)
    response = session.post(TWITTER_ROOT + "/oauth/request_token")
    assert response.status_code == 401
    assert (
        response.headers["www-authenticate"]
        == f'OAuth realm="{TWITTER_ROOT}", api_error_code=32'
    )


def test_bad_signature_is_refused(sandbox: Sandbox) -> None:
    token, _ = sandbox.issue_token()
    forged = signed_session(
        sandbox, resource_owner_key=token, resource_owner_secret="guessed"
    )
    response = forged.get(X_ROOT + "/2/users/me")
    assert response.status_code == 401
    assert response.content == UNAUTHORIZED


def test_replayed_nonce_is_refused(sandbox: Sandbox) -> None:
    session = user_session(sandbox, nonce="same-nonce-twice")
    assert session.get(X_ROOT + "/2/users/me").status_code == 200
    replay = session.get(X_ROOT + "/2/users/me")
    assert replay.status_code == 401
    assert replay.content == UNAUTHORIZED


def test_only_a_genuine_request_uses_up_its_nonce(sandbox: Sandbox) -> None:
    token, secret = sandbox.issue_token()
    nonce = "first-forged-then-genuine"
    forged = signed_session(
        sandbox, resource_owner_key=token, resource_owner_secret="x", nonce=nonce
    )
    assert forged.get(X_ROOT + "/2/users/me").status_code == 401
    genuine = signed_session(
        sandbox, resource_owner_key=token, resource_owner_secret=secret, nonce=nonce
    )
    assert genuine.get(X_ROOT + "/2/users/me").status_code == 200


def test_stale_timestamp_is_refused(sandbox: Sandbox) -> None:
    session = user_session(sandbox, timestamp=str(int(time.time()) - 301 - 5))
    response = session.get(X_ROOT + "/2/users/me")
    assert response.status_code == 401
    assert response.content == UNAUTHORIZED


def test_unknown_access_token_is_refused(sandbox: Sandbox) -> None:
    client = make_client(sandbox, "12345-unknown", "secret")
    with pytest.raises(tweepy.Unauthorized):
        client.get_me(user_auth=True)


# --- the v2 API ---------------------------------------------------------------------


def test_users_me_reports_access_level_and_rate_limit(sandbox: Sandbox) -> None:
    response = user_session(sandbox, username="reader", read_only=True).get(
        X_ROOT + "/2/users/me"
    )
    assert response.json()["data"]["username"] == "reader"
    assert response.headers["Content-Type"] == JSON
    assert response.headers["x-access-level"] == "read"
    assert response.headers["x-rate-limit-limit"] == "75"
    assert response.headers["x-rate-limit-remaining"] == "74"
    assert int(response.headers["x-rate-limit-reset"]) > time.time()


def test_created_post_carries_x_headers(sandbox: Sandbox) -> None:
    response = user_session(sandbox).post(
        X_ROOT + "/2/tweets", json={"text": "héllo 🌍"}
    )
    assert response.status_code == 201
    assert response.headers["Content-Type"] == JSON
    post_id = response.json()["data"]["id"]
    assert response.json()["data"]["text"] == "héllo 🌍"
    assert response.headers["location"] == f"{X_ROOT}/2/tweets/{post_id}"
    assert response.headers["x-access-level"] == "read-write"
    for prefix in ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"):
        for suffix in ("limit", "remaining", "reset"):
            assert response.headers[f"{prefix}-{suffix}"].isdigit()


def test_every_v2_error_carries_json_and_rate_limit_headers(sandbox: Sandbox) -> None:
    writer = user_session(sandbox)
    reader = user_session(sandbox, username="reader", read_only=True)
    post = X_ROOT + "/2/tweets"
    answers = [(401, requests.get(sandbox.base_url + "/2/users/me"))]
    answers.append((403, reader.post(post, json={"text": "Read only"})))
    answers.append((400, writer.post(post, json={"text": "x" * 281})))
    answers.append((404, writer.delete(post + "/1234567890123456789")))
    for status in (402, 429, 503):
        sandbox.fail_next_post(status)
        answers.append((status, writer.post(post, json={"text": "Injected"})))
    for status, response in answers:
        assert response.status_code == status
        assert response.headers["Content-Type"] == JSON
        for suffix in ("limit", "remaining", "reset"):
            assert response.headers[f"x-rate-limit-{suffix}"].isdigit()


def test_unauthenticated_requests_count_against_their_address(
    sandbox: Sandbox,
) -> None:
    """Not against the user whose token a forged request names."""
    token, secret = sandbox.issue_token()
    forged = signed_session(
        sandbox, resource_owner_key=token, resource_owner_secret="guessed"
    )
    genuine = signed_session(
        sandbox, resource_owner_key=token, resource_owner_secret=secret
    )
    answers = [
        requests.get(sandbox.base_url + "/2/users/me"),
        forged.get(X_ROOT + "/2/users/me"),
        genuine.get(X_ROOT + "/2/users/me"),
    ]
    assert [answer.status_code for answer in answers] == [401, 401, 200]
    remaining = [answer.headers["x-rate-limit-remaining"] for answer in answers]
    assert remaining == ["74", "73", "74"]


@pytest.mark.parametrize(
    "signed_for, addressed",
    [(X_ROOT, X_ROOT), (TWITTER_ROOT, TWITTER_ROOT), ("the sandbox", X_ROOT)],
)
def test_problem_type_and_location_follow_the_root_signed_for(
    sandbox: Sandbox, signed_for: str, addressed: str
) -> None:
    root = sandbox.base_url if signed_for == "the sandbox" else signed_for
    writer = user_session(sandbox, root)
    created = writer.post(root + "/2/tweets", json={"text": "Where am I?"})
    post_id = created.json()["data"]["id"]
    assert created.headers["location"] == f"{addressed}/2/tweets/{post_id}"

    too_long = writer.post(root + "/2/tweets", json={"text": "x" * 281})
    assert too_long.json()["type"] == f"{addressed}/2/problems/invalid-request"
    unknown = writer.delete(root + "/2/tweets/1234567890123456789")
    assert unknown.json()["type"] == f"{addressed}/2/problems/resource-not-found"
    reader = user_session(sandbox, root, username="reader", read_only=True)
    refused = reader.post(root + "/2/tweets", json={"text": "Read only"})
    assert refused.json()["type"] == f"{addressed}/2/problems/oauth1-permissions"


def test_read_only_token_cannot_post(sandbox: Sandbox) -> None:
    sandbox.read_only = True
    client = make_client(sandbox, *sandbox.issue_token())
    with pytest.raises(tweepy.Forbidden) as refused:
        client.create_tweet(text="Let me post")
    assert refused.value.response.content == (
        b'{"title":"Forbidden","status":403,"detail":"Your client app is not '
        b"configured with the appropriate oauth1 app permissions for this "
        b'endpoint.","type":"https://api.twitter.com/2/problems/oauth1-permissions"}'
    )
    assert sandbox.posts == []


def test_read_only_app_gives_read_only_tokens_through_the_pin_flow(
    sandbox: Sandbox, oauth_handler: tweepy.OAuth1UserHandler
) -> None:
    sandbox.read_only = True
    url = oauth_handler.get_authorization_url(access_type="write")
    pin = approve_on(sandbox, url, "demo_bot")
    client = make_client(sandbox, *oauth_handler.get_access_token(pin))
    with pytest.raises(tweepy.Forbidden, match="oauth1 app permissions"):
        client.create_tweet(text="Let me post")


@pytest.mark.parametrize(
    "text, valid",
    [
        ("a" * 280, True),
        ("b" * 281, False),
        ("漢" * 140, True),
        ("漢" * 141, False),
        ("🌍" * 140, True),  # an emoji weighs 2
        ("🌍" * 141, False),
        ("c" * 256 + " https://example.com/" + "p" * 300, True),  # a URL weighs 23
        ("d" * 257 + " https://example.com/" + "p" * 300, False),
        ("", False),
        ("hidden\ufeffcharacter", False),
        ("not unicode \udce9", False),  # a lone surrogate, sent as "\udce9"
        ("\ufb2c" * 1500, False),  # 4,500 code points once normalized
    ],
    ids=lambda value: str(value)[:12],
)
def test_x_length_rule(sandbox: Sandbox, text: str, valid: bool) -> None:
    response = user_session(sandbox).post(X_ROOT + "/2/tweets", json={"text": text})
    if valid:
        assert response.status_code == 201, response.text
    else:
        assert response.status_code == 400
        assert "Tweet text is too long" in response.json()["errors"][0]["message"]


def test_a_refused_lone_surrogate_leaves_the_sandbox_working(sandbox: Sandbox) -> None:
    user_session(sandbox).post(X_ROOT + "/2/tweets", json={"text": "x\udce9"})

    assert sandbox.posts == []
    assert requests.get(sandbox.base_url + "/").status_code == 200


def test_huge_text_is_refused_without_counting(sandbox: Sandbox) -> None:
    """Finding the links in this would take X's rule many seconds."""
    huge = {"text": "a." * 8000}
    response = user_session(sandbox).post(X_ROOT + "/2/tweets", json=huge, timeout=5)
    assert response.status_code == 400


def test_delete_post(sandbox: Sandbox) -> None:
    client = make_client(sandbox, *sandbox.issue_token())
    post_id = client.create_tweet(text="Soon gone").data["id"]
    assert client.delete_tweet(post_id, user_auth=True).data == {"deleted": True}
    assert sandbox.posts == []
    with pytest.raises(tweepy.NotFound):
        client.delete_tweet(post_id, user_auth=True)


# --- injected failures ------------------------------------------------------------


def test_fail_next_post_429_sets_reset_time(sandbox: Sandbox) -> None:
    client = make_client(sandbox, *sandbox.issue_token())
    sandbox.fail_next_post(429)
    with pytest.raises(tweepy.TooManyRequests) as limited:
        client.create_tweet(text="Too soon")
    assert limited.value.reset_time is not None
    assert 800 < limited.value.reset_time - time.time() <= 900
    assert limited.value.response.headers["x-rate-limit-remaining"] == "0"
    client.create_tweet(text="Too soon")  # only the next post fails


@pytest.mark.parametrize(
    "kind, used_up, other",
    [
        ("user-24h", "x-user-limit-24hour", "x-app-limit-24hour"),
        ("app-24h", "x-app-limit-24hour", "x-user-limit-24hour"),
    ],
)
def test_fail_next_post_24_hour_cap(
    sandbox: Sandbox, kind: str, used_up: str, other: str
) -> None:
    client = make_client(sandbox, *sandbox.issue_token())
    sandbox.fail_next_post(kind=kind)
    with pytest.raises(tweepy.TooManyRequests) as limited:
        client.create_tweet(text="Too many today")
    headers = limited.value.response.headers
    now = time.time()
    assert headers[f"{used_up}-remaining"] == "0"
    assert DAY - 60 < int(headers[f"{used_up}-reset"]) - now <= DAY
    assert int(headers[f"{other}-remaining"]) > 0
    assert int(headers["x-rate-limit-remaining"]) > 0
    assert int(headers["x-rate-limit-reset"]) - now <= 15 * 60
    client.create_tweet(text="Too many today")


@pytest.mark.parametrize("kind", ["client-not-enrolled", "client-forbidden"])
def test_fail_next_post_app_without_a_usable_package(
    sandbox: Sandbox, kind: str
) -> None:
    client = make_client(sandbox, *sandbox.issue_token())
    sandbox.fail_next_post(kind=kind)
    with pytest.raises(tweepy.Forbidden) as refused:
        client.create_tweet(text="Not enrolled")
    problem = refused.value.response.json()
    assert problem["type"] == f"{TWITTER_ROOT}/2/problems/{kind}"
    assert problem["title"] == "Forbidden"
    assert problem["status"] == 403
    assert refused.value.api_messages == [problem["detail"]]


def test_fail_next_post_402_is_credits_depleted(sandbox: Sandbox) -> None:
    client = make_client(sandbox, *sandbox.issue_token())
    sandbox.fail_next_post(402)
    with pytest.raises(tweepy.HTTPException) as refused:
        client.create_tweet(text="No credits")
    assert type(refused.value) is tweepy.HTTPException
    assert refused.value.response.status_code == 402
    assert refused.value.api_messages == ["credits depleted"]


def test_fail_next_post_401_and_403(sandbox: Sandbox) -> None:
    client = make_client(sandbox, *sandbox.issue_token())
    sandbox.fail_next_post(401)
    sandbox.fail_next_post(403)
    with pytest.raises(tweepy.Unauthorized):
        client.create_tweet(text="One")
    with pytest.raises(tweepy.Forbidden, match="duplicate content"):
        client.create_tweet(text="Two")


@pytest.mark.parametrize(
    "status, kind", [(418, None), (None, "nonsense"), (403, "user-24h"), (None, None)]
)
def test_fail_next_post_rejects_what_it_cannot_inject(
    sandbox: Sandbox, status: int | None, kind: str | None
) -> None:
    with pytest.raises(ValueError):
        sandbox.fail_next_post(status, kind=kind)


# --- pages and control ------------------------------------------------------------


def test_home_page_escapes_posted_text(sandbox: Sandbox) -> None:
    client = make_client(sandbox, *sandbox.issue_token("html_bot"))
    client.create_tweet(text='<script>alert("hi")</script> & more')
    page = requests.get(sandbox.base_url + "/").text
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; more" in page
    assert "<script>" not in page
    assert "@html_bot" in page


def test_http_control_endpoints(sandbox: Sandbox) -> None:
    control = sandbox.base_url + "/_sandbox/"
    client = make_client(sandbox, *sandbox.issue_token())
    client.create_tweet(text="Visible in the state")

    state = requests.get(control + "state").json()
    assert [post["text"] for post in state["posts"]] == ["Visible in the state"]
    assert state["requests"] == [["POST", "/2/tweets"]]
    assert state["callback_url_set"] is True

    answer = requests.post(control + "fail-next-post?status=429")
    assert answer.json() == {"fail_next_post": 429, "kind": "rate-limit"}
    with pytest.raises(tweepy.TooManyRequests):
        client.create_tweet(text="Limited")
    answer = requests.post(control + "fail-next-post?kind=user-24h")
    assert answer.json() == {"fail_next_post": 429, "kind": "user-24h"}
    with pytest.raises(tweepy.TooManyRequests) as limited:
        client.create_tweet(text="Limited")
    assert limited.value.response.headers["x-user-limit-24hour-remaining"] == "0"
    for bad in ("status=oops", "kind=nonsense", "status=403&kind=user-24h"):
        assert requests.post(control + f"fail-next-post?{bad}").status_code == 400

    requests.post(control + "read-only?on=1")
    assert sandbox.read_only
    requests.post(control + "read-only?on=0")
    assert not sandbox.read_only

    requests.post(control + "callback-url-set?on=0")
    assert not sandbox.callback_url_set
    refused = signed_session(sandbox, callback_uri="oob").post(
        X_ROOT + "/oauth/request_token"
    )
    assert refused.status_code == 403
    assert refused.content == CALLBACK_NOT_APPROVED
    requests.post(control + "callback-url-set?on=1")
    assert sandbox.callback_url_set


@pytest.mark.parametrize(
    "text",
    [
        "Hello, sandbox!",
        "<b>bold</b> & \"quoted\" 'too'",
        "two\nlines 🎉 日本語",
    ],
)
def test_each_post_has_a_page_at_the_path_of_its_x_com_link(
    sandbox: Sandbox, text: str
) -> None:
    """A bot pointed at the sandbox links to <sandbox>/i/status/<id>, as X's
    https://x.com/i/status/<id>: the link leads to the post."""
    client = make_client(sandbox, *sandbox.issue_token("page_bot"))
    post_id = client.create_tweet(text=text).data["id"]

    page = requests.get(f"{sandbox.base_url}/i/status/{post_id}", timeout=5)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert html.escape(text) in page.text
    assert "@page_bot" in page.text
    home = requests.get(sandbox.base_url + "/", timeout=5).text
    assert f'href="/i/status/{post_id}"' in home


@pytest.mark.parametrize("which", ["deleted", "never made"])
def test_the_page_of_a_post_that_is_not_there_says_why(
    sandbox: Sandbox, which: str
) -> None:
    client = make_client(sandbox, *sandbox.issue_token())
    post_id = client.create_tweet(text="Here for a moment").data["id"]
    if which == "deleted":
        client.delete_tweet(post_id, user_auth=True)
    else:
        post_id = str(int(post_id) + 1)
    page = requests.get(f"{sandbox.base_url}/i/status/{post_id}", timeout=5)
    assert page.status_code == 404
    assert "This post doesn't exist" in page.text
    assert "in memory only" in page.text


def test_unknown_path_is_not_found(sandbox: Sandbox) -> None:
    response = requests.get(sandbox.base_url + "/1.1/statuses/update.json")
    assert response.status_code == 404


# --- python -m sandbox ----------------------------------------------------------------


@contextmanager
def command_line(*args: str) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """Run ``python -m sandbox --port 0 *args``; yields it, its URL and banner."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", "0", *args],
        cwd=TEMPLATE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        banner = "".join(lines)
        match = re.search(
            r"export TWITTER_API_BASE_URL=(http://127\.0\.0\.1:\d+)", banner
        )
        assert match is not None, banner
        yield process, match.group(1), banner
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_command_line_prints_setup_and_stops_cleanly_on_ctrl_c() -> None:
    with command_line() as (process, url, banner):
        assert "sandbox-api-key" in banner
        assert "sandbox-api-secret-NOT-A-REAL-SECRET" in banner
        assert process.stdout is not None

        requests.get(url + "/")
        assert process.stdout.readline() == "GET / 200\n"

        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in rest
    assert "Sandbox stopped." in rest


@pytest.mark.parametrize(
    ("address", "fix"),
    [
        ("busy port", "choose another with --port"),
        ("address of another computer", "choose another --host or --port"),
    ],
)
def test_command_line_that_cannot_listen_says_which_option_to_change(
    busy_port: int, address: str, fix: str
) -> None:
    host = "127.0.0.1" if address == "busy port" else "192.0.2.1"  # TEST-NET-1
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "--host", host, "--port", str(busy_port)],
        cwd=TEMPLATE_DIR,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"python -m sandbox: error: cannot listen on {host}:")
    assert fix in line


def test_command_line_strict_host_refuses_signatures_for_api_x_com() -> None:
    with command_line("--strict-host") as (_, url, banner):
        assert f"Signatures must be made for {url} itself" in banner
        app = OAuth1(
            "sandbox-api-key",
            client_secret="sandbox-api-secret-NOT-A-REAL-SECRET",
            callback_uri="oob",
        )
        own = requests.post(url + "/oauth/request_token", auth=app)
        assert own.status_code == 200
        rerouted = routed(requests.Session(), url, X_ROOT)
        refused = rerouted.post(X_ROOT + "/oauth/request_token", auth=app)
        assert refused.status_code == 401
