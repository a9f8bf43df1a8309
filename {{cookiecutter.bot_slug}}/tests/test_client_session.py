"""``client.RootSession``: what may leave the machine, and for how long the bot
waits. Every request is given a total time limit, and a signed request goes
to the configured root only: a redirect is reported, never followed."""

import json
import socket
import threading
import time

import pytest
import responses
from fake_x import ME, POST_ID, TWEETS_URL, USERS_ME_URL
from helpers import assert_one_error_line, run_cli, write_media
from requests_oauthlib import OAuth1

from {{ cookiecutter.package_name }} import (
    XError,
    XUnreachableError,
    client,
)
from {{ cookiecutter.package_name }}.client import (
    RootSession,
)

COMMANDS = {"post": ["post", "hi"], "whoami": ["whoami"]}

# --- A server that answers a byte at a time ---------------------------------

DEADLINE = 0.5  # seconds, patched in for TIMEOUT_SECONDS
PAUSE = 0.05  # between two bytes: far less than the deadline, so each wait is short
BODY = json.dumps(ME).encode() + b" " * 200  # about 15 s of bytes at that pace
HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\n\r\n" % len(BODY)
)


@pytest.fixture
def slow_root(monkeypatch, x_api, credentials_in_env):
    """``slow_root(at_once)``: the bot's root is a local server that sends
    ``at_once`` of its answer, then the rest one byte every PAUSE; the bot's
    time limit is DEADLINE. Returns the root's URL."""
    monkeypatch.setattr(client, "TIMEOUT_SECONDS", DEADLINE)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    root = f"http://127.0.0.1:{listener.getsockname()[1]}"
    monkeypatch.setenv("TWITTER_API_BASE_URL", root)
    x_api.add_passthru(root)
    done = threading.Event()

    def answer_slowly(at_once):
        connection, _ = listener.accept()
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(4096)
            answer = HEAD + BODY
            connection.sendall(answer[:at_once])
            for byte in answer[at_once:]:
                if done.wait(PAUSE):
                    return
                connection.sendall(bytes([byte]))

    server = None

    def start(at_once):
        nonlocal server
        server = threading.Thread(target=answer_slowly, args=(at_once,), daemon=True)
        server.start()
        return root

    yield start
    done.set()
    if server is not None:
        server.join(timeout=10)
    listener.close()


@pytest.mark.parametrize(
    "at_once", [0, len(HEAD)], ids=["status-and-headers-trickle", "body-trickles"]
)
@pytest.mark.parametrize("command", COMMANDS)
def test_an_answer_trickling_in_is_given_up_at_the_time_limit(
    capsys, slow_root, command, at_once
):
    slow_root(at_once)

    started = time.monotonic()
    exit_code, out, err = run_cli(capsys, *COMMANDS[command])
    waited = time.monotonic() - started

    assert exit_code == 1
    assert out == ""
    assert_one_error_line(err)
    assert f"did not answer within {DEADLINE} s" in err
    # Far less than the endless trickle, with slack for a busy CI machine.
    assert waited < DEADLINE + 5


def test_an_upload_has_longer_to_send_its_bytes(capsys, slow_root, monkeypatch):
    """A picture or a 4 MiB chunk over a slow line takes longer than a post."""
    monkeypatch.setattr(client, "UPLOAD_TIMEOUT_SECONDS", 3 * DEADLINE)
    slow_root(0)
    write_media("cat.png", "png")

    exit_code, _, err = run_cli(capsys, "post", "hi", "--media", "cat.png", "--no-alt")

    assert exit_code == 1
    assert f"did not answer within {3 * DEADLINE:g} s" in err


def test_an_oauth_request_trickling_in_is_given_up_at_the_time_limit(slow_root):
    root = slow_root(0)
    signer = OAuth1("app-key", "app-secret", callback_uri="oob")

    started = time.monotonic()
    with pytest.raises(XUnreachableError, match=f"within {DEADLINE} s"):
        RootSession(root).request("POST", root + "/oauth/request_token", auth=signer)

    assert time.monotonic() - started < DEADLINE + 5


# --- Redirects ----------------------------------------------------------------

ELSEWHERE = "https://elsewhere.example"
# What the bot would get if it followed a redirect: a post made, and a user.
FOLLOWED = {"data": {"id": POST_ID, "username": "Elsewhere"}}
ASKED = {"post": (responses.POST, TWEETS_URL), "whoami": (responses.GET, USERS_ME_URL)}


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_redirect_is_reported_not_followed(
    capsys, credentials_in_env, x_api, command, status
):
    method, url = ASKED[command]
    target = ELSEWHERE + url.removeprefix("https://api.x.com")
    x_api.add(method, url, status=status, headers={"location": target})
    x_api.assert_all_requests_are_fired = False  # the target must never be asked
    for followed_with in (responses.GET, responses.POST):
        x_api.add(followed_with, target, json=FOLLOWED)

    exit_code, out, err = run_cli(capsys, *COMMANDS[command])

    assert exit_code == 1
    assert out == ""
    assert_one_error_line(err)
    assert f"redirected the request to {target}" in err
    assert "does not follow redirects" in err
    assert "TWITTER_API_BASE_URL" in err
    assert [call.request.url for call in x_api.calls] == [url]


@pytest.mark.parametrize(
    ("headers", "shown"),
    [
        ({}, "an address it did not give"),
        (
            {"location": "/2/users/me\x1b[31m\x1b]0;owned\x07 "},
            "/2/users/me [31m ]0;owned",
        ),
    ],
    ids=["no-location", "location-with-escapes"],
)
@pytest.mark.parametrize("status", [300, 304, 399])
def test_a_redirect_is_one_plain_line_whatever_its_location(
    capsys, credentials_in_env, x_api, status, headers, shown
):
    x_api.get(USERS_ME_URL, status=status, headers=headers)

    exit_code, out, err = run_cli(capsys, "whoami")

    assert exit_code == 1
    assert_one_error_line(err)
    assert f"redirected the request to {shown}" in err
    assert "\x1b" not in err
    assert "\x07" not in err


def test_an_oauth_request_redirected_is_not_signed_again_elsewhere(x_api):
    url = "https://api.x.com/oauth/request_token"
    x_api.post(url, status=307, headers={"location": ELSEWHERE + "/oauth/token"})
    x_api.assert_all_requests_are_fired = False
    x_api.post(ELSEWHERE + "/oauth/token", body="oauth_token=a&oauth_token_secret=b")
    signer = OAuth1("app-key", "app-secret", callback_uri="oob")

    with pytest.raises(XError, match="redirected the request to https://elsewhere"):
        RootSession("https://api.x.com").request("POST", url, auth=signer)

    assert len(x_api.calls) == 1
