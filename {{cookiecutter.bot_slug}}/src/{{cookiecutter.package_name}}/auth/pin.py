"""Authorize the bot account with X's PIN-based OAuth 1.0a flow.

1. ask X for a request token (``POST /oauth/request_token``, callback "oob",
   write access);
2. the user opens the authorize URL where the *bot* account is logged in,
   clicks "Authorize app" and reads a PIN;
3. trade the PIN for the account's access token (``POST /oauth/access_token``);
4. confirm who it is (``GET /2/users/me``) and save the four values to ``.env``.

Each step is one request; a wrong PIN starts again with a fresh request token.

Why not tweepy's ``OAuth1UserHandler``: it turns every refusal into a bare
exception without X's status, and the status is what tells a wrong PIN from
wrong app keys or a missing callback URL. So the two OAuth requests are
signed here with requests-oauthlib (which tweepy uses too) and sent by the
client's session.
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from ..client import Client, RootSession, refusal
from ..credentials import (
    ACCESS_TOKEN,
    ACCESS_TOKEN_SECRET,
    API_BASE_URL,
    COMMAND,
    CONSUMER_KEY,
    CONSUMER_SECRET,
    X_API_ROOTS,
    Credentials,
    Settings,
    describe_sources,
)
from ..errors import (
    AppKeysRejectedError,
    AuthCancelledError,
    CredentialsRejectedError,
    InputError,
    WrongPinError,
    XError,
)
from .envfile import check_writable, saved_to, update_env_file

if TYPE_CHECKING:
    from requests import Response

PIN_TRIES = 3
HANDLE = re.compile(r"@?[A-Za-z0-9_]{1,15}")  # X's rule for a username
# What X answers (403, XML) when the app has no callback URL set.
CALLBACK_NOT_APPROVED = 'code="415"'


@dataclass(frozen=True)
class AppKeys:
    """The app's API key and secret, and where each came from."""

    key: str = field(repr=False)
    secret: str = field(repr=False)
    sources: dict[str, str] = field(default_factory=dict)


def authorize(
    settings: Settings,
    env_file: Path,
    *,
    handle: str | None = None,
    ask_new_app_keys: bool = False,
    ask: Callable[[str], str] | None = None,
    ask_secret: Callable[[str], str] | None = None,
) -> str | None:
    """Run the PIN flow, save the credentials to ``env_file``; return the
    username (None when X accepted the PIN but did not say whose it is).

    ``ask`` and ``ask_secret`` read the answers (default: ``input`` and
    ``getpass.getpass``, which does not echo).
    """
    ask = ask or input
    ask_secret = ask_secret or getpass.getpass
    base_url = settings.api_base_url()
    if handle is not None and not HANDLE.fullmatch(handle):
        raise InputError(
            f"{handle!r} is not an X handle (1 to 15 letters, digits or _): "
            "give the bot account's @handle, or leave --handle out."
        )
    check_writable(env_file)
    app = app_keys(settings, ask_new=ask_new_app_keys, ask=ask, ask_secret=ask_secret)
    access_token, access_token_secret = pin_exchange(app, base_url, handle, ask)
    credentials = Credentials(
        app.key, app.secret, access_token, access_token_secret, app.sources, base_url
    )
    username, why_unknown = confirmed_username(credentials)
    # Tokens only work with the API that issued them: record a root other
    # than X's (the sandbox), and drop an old one when authorizing with X.
    base_url_value = None if base_url in X_API_ROOTS else base_url
    update_env_file(
        env_file,
        {
            CONSUMER_KEY: app.key,
            CONSUMER_SECRET: app.secret,
            ACCESS_TOKEN: access_token,
            ACCESS_TOKEN_SECRET: access_token_secret,
            API_BASE_URL: base_url_value,
        },
    )
    if username:
        print(f"Authorized as @{username}")
    else:
        print(
            f"Authorized, but X did not say which account ({why_unknown}): run "
            f"`{COMMAND} whoami` later to check."
        )
    print(f"Saved the credentials to {saved_to(env_file)}.")
    if base_url_value:
        print(f"Also saved {API_BASE_URL}={base_url}: these tokens only work there.")
    return username


def confirmed_username(credentials: Credentials) -> tuple[str | None, str]:
    """The account's username, or None and why X did not say.

    X accepted the PIN, so the tokens are good even when confirming the
    account fails (a rate limit, X failing): they are saved all the same, as
    doing the browser step again would not make them any better. Tokens X
    rejects are not saved.
    """
    try:
        return Client(credentials).me().username, ""
    except CredentialsRejectedError:
        raise
    except XError as error:
        # What happened, without the advice after ": " (to try again).
        return None, str(error).split(": ", 1)[0]


def app_keys(
    settings: Settings,
    *,
    ask_new: bool,
    ask: Callable[[str], str],
    ask_secret: Callable[[str], str],
) -> AppKeys:
    """The app's key and secret from the environment or ``.env``, else asked."""
    known = {} if ask_new else settings.values
    key, secret = known.get(CONSUMER_KEY), known.get(CONSUMER_SECRET)
    sources = {
        name: settings.sources[name]
        for name in (CONSUMER_KEY, CONSUMER_SECRET)
        if known.get(name)
    }
    if key and secret:
        print(f"Using the app's API key ...{key[-4:]} ({describe_sources(sources)}).")
        return AppKeys(key, secret, sources)
    print(
        "Enter your X app's API key and secret (developer portal > your app > "
        "Keys and tokens > Consumer Keys)."
    )
    key = key or read_answer(ask, "API key: ")
    secret = secret or read_answer(ask_secret, "API key secret (not shown): ")
    for name in (CONSUMER_KEY, CONSUMER_SECRET):
        sources.setdefault(name, "what you typed")
    return AppKeys(key, secret, sources)


def read_answer(ask: Callable[[str], str], prompt: str) -> str:
    try:
        answer = ask(prompt).strip()
    except EOFError:
        raise AuthCancelledError(
            f"no answer (end of input): nothing was saved; run `{COMMAND} auth` "
            "in a terminal to authorize the bot."
        ) from None
    if not answer:
        raise AuthCancelledError(f"no answer given: run `{COMMAND} auth` again.")
    return answer


def pin_exchange(
    app: AppKeys, base_url: str, handle: str | None, ask: Callable[[str], str]
) -> tuple[str, str]:
    """Show the authorize link, read the PIN, trade it for the access token.

    Every answer counts toward the few tries, a number X refused or not, so
    that endless input (``yes | bot auth``) ends.
    """
    request_token = None
    refused = False  # whether X refused a PIN, or only answers were no number
    for attempt in range(1, PIN_TRIES + 1):
        if request_token is None:
            request_token = get_request_token(app, base_url)
            link = authorize_url(base_url, request_token["oauth_token"], handle)
            show_link(link, handle)
        pin = read_answer(ask, "PIN: ")
        if not pin.isdigit():
            print('The PIN is the number X shows after you click "Authorize app".')
            continue
        try:
            return get_access_token(app, request_token, pin, base_url)
        except WrongPinError:
            request_token = None
            refused = True
            if attempt < PIN_TRIES:
                print("X did not accept that PIN (each works once). A fresh link:")
    problem = WrongPinError if refused else AuthCancelledError
    raise problem(
        f"no PIN was accepted in {PIN_TRIES} tries: nothing was saved; run "
        f"`{COMMAND} auth` to start again."
    )


def get_request_token(app: AppKeys, base_url: str) -> dict[str, str]:
    answer = oauth_request(app, base_url, "request_token?x_auth_access_type=write")
    if answer.status_code == 401:
        raise AppKeysRejectedError(
            "X rejected the app's API key and secret "
            f"({describe_sources(app.sources)}): copy both again from the "
            "developer portal (Keys and tokens), or regenerate them, then "
            f"run `{COMMAND} auth --new-app-keys`."
        )
    if not answer.ok and CALLBACK_NOT_APPROVED in answer.text:
        raise XError(
            "X refused to start the authorization (415: callback URL not "
            "approved). The PIN flow needs a callback URL in the app's "
            "settings although it never uses it: in the X developer portal, "
            "open the app's User authentication settings, enter any Callback "
            "URI (for example https://example.com), save, then run "
            f"`{COMMAND} auth` again."
        )
    if answer.status_code == 429 or answer.status_code >= 500:
        raise refusal(answer, app.sources)  # a rate limit, or X failing
    if not answer.ok:
        raise XError(
            f"X refused the request token ({answer.status_code}): "
            "check that the app has User authentication set up with OAuth 1.0a."
        )
    return token_in(answer.text, "request token")


def authorize_url(base_url: str, oauth_token: str, handle: str | None) -> str:
    query = {"oauth_token": oauth_token, "force_login": "true"}
    if handle:
        query["screen_name"] = handle.lstrip("@")
    return f"{base_url}/oauth/authorize?{urlencode(query)}"


def get_access_token(
    app: AppKeys, request_token: dict[str, str], pin: str, base_url: str
) -> tuple[str, str]:
    answer = oauth_request(
        app,
        base_url,
        "access_token",
        resource_owner_key=request_token["oauth_token"],
        resource_owner_secret=request_token["oauth_token_secret"],
        verifier=pin,
    )
    if answer.status_code == 401:
        raise WrongPinError("X did not accept that PIN.")
    if answer.status_code == 429 or answer.status_code >= 500:
        raise refusal(answer, app.sources)
    if not answer.ok:
        raise XError(
            f"X refused the PIN exchange ({answer.status_code}): run "
            f"`{COMMAND} auth` to start again."
        )
    token = token_in(answer.text, "access token")
    return token["oauth_token"], token["oauth_token_secret"]


def oauth_request(app: AppKeys, base_url: str, path: str, **oauth: str) -> Response:
    """``POST <root>/oauth/<path>``, signed with the app's key and ``oauth``."""
    from requests_oauthlib import OAuth1  # loaded late, as in client.py

    signer = OAuth1(app.key, app.secret, callback_uri="oob", **oauth)
    url = f"{base_url}/oauth/{path}"
    return RootSession(base_url).request("POST", url, auth=signer)


def token_in(answer: str, what: str) -> dict[str, str]:
    """The token in X's form-encoded answer."""
    token = dict(parse_qsl(answer))
    if not token.get("oauth_token") or not token.get("oauth_token_secret"):
        raise XError(f"X's answer held no {what}: try again later.")
    return token


def show_link(url: str, handle: str | None) -> None:
    account = f"@{handle.lstrip('@')}" if handle else "the bot account"
    print()
    print(f"Open this link in a browser where {account} is logged in")
    print("(log out of your main account first, or use a private window):")
    print(f"  {url}")
    print('Click "Authorize app"; X then shows a PIN.')
