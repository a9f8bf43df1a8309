"""The sandbox answers like X: the PIN flow through tweepy, signatures, errors."""

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests
import tweepy
import tweepy.auth
from requests.adapters import HTTPAdapter
from requests_oauthlib import OAuth1, OAuth1Session

from sandbox import Sandbox

REPO_ROOT = Path(__file__).resolve().parent.parent

X_ROOT = "https://api.twitter.com"
COULD_NOT_AUTHENTICATE = (
    b'{"errors":[{"code":32,"message":"Could not authenticate you."}]}'
)
UNAUTHORIZED = (
    b'{"title":"Unauthorized","type":"about:blank","status":401,'
    b'"detail":"Unauthorized"}'
)


class SandboxAdapter(HTTPAdapter):
    """Sends requests signed for api.twitter.com to the sandbox instead."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> Any:  # type: ignore[override]
        assert request.url is not None
        request.url = request.url.replace(X_ROOT, self.base_url, 1)
        return super().send(request, **kwargs)


def routed(session: requests.Session, sandbox: Sandbox) -> requests.Session:
    session.mount(X_ROOT + "/", SandboxAdapter(sandbox.base_url))
    return session


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(port=0) as running:
        yield running


@pytest.fixture
def browser(sandbox: Sandbox) -> requests.Session:
    """A person's browser: opens api.twitter.com links, lands on the sandbox."""
    return routed(requests.Session(), sandbox)


@pytest.fixture
def oauth_handler(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> tweepy.OAuth1UserHandler:
    """tweepy's PIN-flow handler, with every OAuth1Session it makes routed."""

    class RoutedOAuth1Session(OAuth1Session):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            routed(self, sandbox)

    monkeypatch.setattr(tweepy.auth, "OAuth1Session", RoutedOAuth1Session)
    return tweepy.OAuth1UserHandler(
        sandbox.consumer_key, sandbox.consumer_secret, callback="oob"
    )


class FormReader(HTMLParser):
    """Collects a page's form action and its input fields, as a browser would."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = attributes.get("action", "")
        elif tag == "input" and "name" in attributes:
            self.fields[attributes["name"]] = attributes.get("value", "")


def click_authorize(browser: requests.Session, authorize_url: str) -> str:
    """Open the authorize page, press "Authorize app", and read the PIN."""
    page = browser.get(authorize_url)
    assert page.status_code == 200
    assert "Authorize app" in page.text
    form = FormReader()
    form.feed(page.text)
    answer = browser.post(X_ROOT + form.action, data=form.fields)
    assert answer.status_code == 200
    assert "Enter this PIN in the app" in answer.text
    match = re.search(r'<code id="pin">(\d{7})</code>', answer.text)
    assert match is not None
    return match.group(1)


def make_client(sandbox: Sandbox, token: str, secret: str) -> tweepy.Client:
    client = tweepy.Client(
        consumer_key=sandbox.consumer_key,
        consumer_secret=sandbox.consumer_secret,
        access_token=token,
        access_token_secret=secret,
    )
    routed(client.session, sandbox)
    return client


def signed_session(sandbox: Sandbox, **oauth: Any) -> requests.Session:
    """A routed session signing with the sandbox app's key and ``oauth``."""
    session = routed(requests.Session(), sandbox)
    session.auth = OAuth1(
        sandbox.consumer_key, client_secret=sandbox.consumer_secret, **oauth
    )
    return session


# --- the PIN flow, through tweepy ----------------------------------------------


def test_tweepy_completes_the_pin_flow_and_posts(
    sandbox: Sandbox,
    oauth_handler: tweepy.OAuth1UserHandler,
    browser: requests.Session,
) -> None:
    url = oauth_handler.get_authorization_url(access_type="write")
    assert url.startswith(X_ROOT + "/oauth/authorize?oauth_token=")
    pin = click_authorize(browser, url + "&force_login=true&screen_name=demo_bot")
    token, secret = oauth_handler.get_access_token(pin)
    client = make_client(sandbox, token, secret)

    me = client.get_me(user_auth=True).data
    assert me.username == "demo_bot"
    assert token.startswith(f"{me.id}-")

    created = client.create_tweet(text="Hello from the sandbox!").data
    assert re.fullmatch(r"\d{19}", created["id"])
    assert created["edit_history_tweet_ids"] == [created["id"]]
    assert sandbox.posts[0]["id"] == created["id"]
    assert sandbox.posts[0]["username"] == "demo_bot"

    with pytest.raises(tweepy.Forbidden) as refused:
        client.create_tweet(text="Hello from the sandbox!")
    assert refused.value.api_messages == [
        "You are not allowed to create a Tweet with duplicate content."
    ]
    assert sandbox.requests == [
        ("POST", "/oauth/request_token"),
        ("GET", "/oauth/authorize"),
        ("POST", "/oauth/authorize"),
        ("POST", "/oauth/access_token"),
        ("GET", "/2/users/me"),
        ("POST", "/2/tweets"),
        ("POST", "/2/tweets"),
    ]


def test_wrong_pin_is_refused_and_the_right_one_still_works(
    oauth_handler: tweepy.OAuth1UserHandler, browser: requests.Session
) -> None:
    pin = click_authorize(browser, oauth_handler.get_authorization_url())
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


def test_request_token_needs_the_oob_callback(sandbox: Sandbox) -> None:
    response = signed_session(sandbox).post(X_ROOT + "/oauth/request_token")
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/xml"
    assert '<error code="415">Callback URL not approved' in response.text


def test_request_token_answers_a_form(sandbox: Sandbox) -> None:
    session = signed_session(sandbox, callback_uri="oob")
    response = session.post(X_ROOT + "/oauth/request_token?x_auth_access_type=write")
    assert response.status_code == 200
    assert re.fullmatch(
        r"oauth_token=\w+&oauth_token_secret=\w+&oauth_callback_confirmed=true",
        response.text,
    )


def test_access_token_accepts_the_verifier_in_the_query(sandbox: Sandbox) -> None:
    session = signed_session(sandbox, callback_uri="oob")
    fields = dict(
        pair.split("=")
        for pair in session.post(X_ROOT + "/oauth/request_token").text.split("&")
    )
    pin = sandbox.authorize(fields["oauth_token"], username="query_bot")
    exchange = signed_session(
        sandbox,
        resource_owner_key=fields["oauth_token"],
        resource_owner_secret=fields["oauth_token_secret"],
    )
    response = exchange.post(X_ROOT + f"/oauth/access_token?oauth_verifier={pin}")
    assert response.status_code == 200
    assert re.fullmatch(
        r"oauth_token=(\d+)-\w+&oauth_token_secret=\w+&user_id=\1"
        r"&screen_name=query_bot",
        response.text,
    )


def test_authorize_page_refuses_an_unknown_token(browser: requests.Session) -> None:
    page = browser.get(X_ROOT + "/oauth/authorize?oauth_token=nonsense")
    assert page.status_code == 401
    assert "request token for this page is invalid" in page.text


# --- signatures -------------------------------------------------------------------


def test_bad_signature_is_refused(sandbox: Sandbox) -> None:
    token, _ = sandbox.issue_token()
    forged = signed_session(
        sandbox, resource_owner_key=token, resource_owner_secret="guessed"
    )
    response = forged.get(X_ROOT + "/2/users/me")
    assert response.status_code == 401
    assert response.content == UNAUTHORIZED


def test_wrong_consumer_secret_is_refused_on_oauth_endpoints(
    sandbox: Sandbox,
) -> None:
    session = routed(requests.Session(), sandbox)
    session.auth = OAuth1(sandbox.consumer_key, "wrong", callback_uri="oob")
    response = session.post(X_ROOT + "/oauth/request_token")
    assert response.status_code == 401
    assert response.content == COULD_NOT_AUTHENTICATE
    assert response.headers["Content-Type"] == "application/json"


def test_signature_covers_the_public_url(sandbox: Sandbox) -> None:
    """Signing for the sandbox's own address is signing for the wrong URL."""
    token, secret = sandbox.issue_token()
    auth = OAuth1(
        sandbox.consumer_key,
        client_secret=sandbox.consumer_secret,
        resource_owner_key=token,
        resource_owner_secret=secret,
    )
    response = requests.get(sandbox.base_url + "/2/users/me", auth=auth)
    assert response.status_code == 401


def test_replayed_nonce_is_refused(sandbox: Sandbox) -> None:
    token, secret = sandbox.issue_token()
    session = signed_session(
        sandbox,
        resource_owner_key=token,
        resource_owner_secret=secret,
        nonce="same-nonce-twice",
    )
    assert session.get(X_ROOT + "/2/users/me").status_code == 200
    replay = session.get(X_ROOT + "/2/users/me")
    assert replay.status_code == 401
    assert replay.content == UNAUTHORIZED


def test_stale_timestamp_is_refused(sandbox: Sandbox) -> None:
    token, secret = sandbox.issue_token()
    session = signed_session(
        sandbox,
        resource_owner_key=token,
        resource_owner_secret=secret,
        timestamp=str(int(time.time()) - 301 - 5),
    )
    response = session.get(X_ROOT + "/2/users/me")
    assert response.status_code == 401
    assert response.content == UNAUTHORIZED


def test_unknown_access_token_is_refused(sandbox: Sandbox) -> None:
    client = make_client(sandbox, "12345-unknown", "secret")
    with pytest.raises(tweepy.Unauthorized):
        client.get_me(user_auth=True)


# --- the v2 API ---------------------------------------------------------------------


def test_users_me_reports_access_level_and_rate_limit(sandbox: Sandbox) -> None:
    token, secret = sandbox.issue_token("reader", read_only=True)
    session = signed_session(
        sandbox, resource_owner_key=token, resource_owner_secret=secret
    )
    response = session.get(X_ROOT + "/2/users/me")
    assert response.json()["data"]["username"] == "reader"
    assert response.headers["x-access-level"] == "read"
    assert response.headers["x-rate-limit-limit"] == "75"
    assert response.headers["x-rate-limit-remaining"] == "74"
    assert int(response.headers["x-rate-limit-reset"]) > time.time()


def test_created_post_carries_x_headers(sandbox: Sandbox) -> None:
    token, secret = sandbox.issue_token()
    session = signed_session(
        sandbox, resource_owner_key=token, resource_owner_secret=secret
    )
    response = session.post(X_ROOT + "/2/tweets", json={"text": "héllo 🌍"})
    assert response.status_code == 201
    post_id = response.json()["data"]["id"]
    assert response.json()["data"]["text"] == "héllo 🌍"
    assert response.headers["location"] == f"{X_ROOT}/2/tweets/{post_id}"
    assert response.headers["x-access-level"] == "read-write"
    for prefix in ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"):
        for suffix in ("limit", "remaining", "reset"):
            assert response.headers[f"{prefix}-{suffix}"].isdigit()


def test_read_only_token_cannot_post(sandbox: Sandbox) -> None:
    sandbox.read_only = True
    client = make_client(sandbox, *sandbox.issue_token())
    with pytest.raises(tweepy.Forbidden) as refused:
        client.create_tweet(text="Let me post")
    assert "oauth1 app permissions" in refused.value.api_messages[0]
    assert refused.value.response.json()["type"].endswith("/oauth1-permissions")
    assert sandbox.posts == []


def test_read_only_app_gives_read_only_tokens_through_the_pin_flow(
    sandbox: Sandbox,
    oauth_handler: tweepy.OAuth1UserHandler,
    browser: requests.Session,
) -> None:
    sandbox.read_only = True
    url = oauth_handler.get_authorization_url(access_type="write")
    client = make_client(
        sandbox, *oauth_handler.get_access_token(click_authorize(browser, url))
    )
    with pytest.raises(tweepy.Forbidden, match="oauth1 app permissions"):
        client.create_tweet(text="Let me post")


def test_text_too_long_or_empty_is_a_bad_request(sandbox: Sandbox) -> None:
    client = make_client(sandbox, *sandbox.issue_token())
    client.create_tweet(text="a" * 280)
    for text in ("b" * 281, "漢" * 141, ""):
        with pytest.raises(tweepy.BadRequest, match="Tweet text is too long"):
            client.create_tweet(text=text)


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


def test_fail_next_post_rejects_unknown_statuses(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        sandbox.fail_next_post(418)


# --- pages and control ------------------------------------------------------------


def test_home_page_escapes_posted_text(sandbox: Sandbox) -> None:
    client = make_client(sandbox, *sandbox.issue_token("html_bot"))
    client.create_tweet(text='<script>alert("hi")</script> & more')
    page = requests.get(sandbox.base_url + "/").text
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; more" in page
    assert "<script>" not in page
    assert "@html_bot" in page


def test_http_control_endpoints(sandbox: Sandbox) -> None:
    client = make_client(sandbox, *sandbox.issue_token())
    client.create_tweet(text="Visible in the state")

    state = requests.get(sandbox.base_url + "/_sandbox/state").json()
    assert [post["text"] for post in state["posts"]] == ["Visible in the state"]
    assert state["requests"] == [["POST", "/2/tweets"]]

    answer = requests.post(sandbox.base_url + "/_sandbox/fail-next-post?status=429")
    assert answer.status_code == 200
    with pytest.raises(tweepy.TooManyRequests):
        client.create_tweet(text="Limited")

    requests.post(sandbox.base_url + "/_sandbox/read-only?on=1")
    assert sandbox.read_only
    requests.post(sandbox.base_url + "/_sandbox/read-only?on=0")
    assert not sandbox.read_only

    bad = requests.post(sandbox.base_url + "/_sandbox/fail-next-post?status=oops")
    assert bad.status_code == 400


def test_unknown_path_is_not_found(sandbox: Sandbox) -> None:
    response = requests.get(sandbox.base_url + "/1.1/statuses/update.json")
    assert response.status_code == 404


# --- python -m sandbox ----------------------------------------------------------------


def test_command_line_prints_setup_and_stops_cleanly_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", "0"],
        cwd=REPO_ROOT,
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
        assert "sandbox-api-key" in banner
        assert "sandbox-api-secret-NOT-A-REAL-SECRET" in banner

        requests.get(match.group(1) + "/")
        assert process.stdout.readline() == "GET / 200\n"

        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert "Traceback" not in rest
    assert "Sandbox stopped." in rest
