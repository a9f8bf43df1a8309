"""``client``: each way X can refuse a request becomes one error that says
what to do, and an answer that makes no sense is an error too, not a crash."""

import gzip
import re
import time
from datetime import datetime, timezone

import pytest
import requests
import urllib3
from fake_x import (
    CREDITS_DEPLETED,
    DUPLICATE,
    FAKE_CREDENTIALS,
    RATE_LIMIT_RESET,
    RATE_LIMITED,
    RATE_LIMITED_HEADERS,
    READ_ONLY_APP,
    READ_ONLY_APP_X_COM,
    SERVICE_UNAVAILABLE,
    TOO_LONG,
    TOO_LONG_MESSAGE,
    TWEETS_URL,
    UNAUTHORIZED,
    USERS_ME_URL,
    daily_cap_headers,
    not_enrolled,
)
from helpers import assert_one_error_line, run_cli

from {{ cookiecutter.package_name }} import (
    BotError,
    CredentialsRejectedError,
    CreditsDepletedError,
    DuplicatePostError,
    RateLimitedError,
    ReadOnlyAppError,
    XError,
    XUnreachableError,
    post,
)
from {{ cookiecutter.package_name }}.client import (
    Client,
)
from {{ cookiecutter.package_name }}.credentials import (
    load_settings,
)
from {{ cookiecutter.package_name }}.errors import (
    one_line,
)


def post_and_catch(error_class):
    """Post, expect ``error_class``, and return the error raised."""
    with pytest.raises(error_class) as caught:
        post("Hello World!")
    return caught.value


@pytest.mark.parametrize(
    "body",
    [READ_ONLY_APP, READ_ONLY_APP_X_COM],
    ids=["api.twitter.com-problem", "api.x.com-problem"],
)
def test_read_only_app(credentials_in_env, x_api, body):
    x_api.post(TWEETS_URL, json=body, status=403)

    error = post_and_catch(ReadOnlyAppError)

    assert "Read and write" in str(error)
    assert "auth" in str(error)


def test_duplicate_post(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=DUPLICATE, status=403)

    error = post_and_catch(DuplicatePostError)

    assert "duplicate" in str(error)


def test_duplicate_post_is_not_retried(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=DUPLICATE, status=403)

    post_and_catch(DuplicatePostError)

    assert len(x_api.calls) == 1


def test_rejected_credentials_are_named_with_where_they_came_from(
    credentials_in_env, x_api
):
    x_api.post(TWEETS_URL, json=UNAUTHORIZED, status=401)

    error = post_and_catch(CredentialsRejectedError)

    for name in FAKE_CREDENTIALS:
        assert name in str(error)
    assert "environment" in str(error)
    assert "auth" in str(error)


def test_rejected_credentials_names_the_dotenv_file_they_came_from(
    credentials_in_dotenv, tmp_path, x_api
):
    x_api.post(TWEETS_URL, json=UNAUTHORIZED, status=401)

    error = post_and_catch(CredentialsRejectedError)

    assert str(tmp_path / ".env") in str(error)
    assert "environment" not in str(error)


def test_rate_limited_says_when_the_limit_resets(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429, headers=RATE_LIMITED_HEADERS)

    error = post_and_catch(RateLimitedError)

    reset_at = datetime.fromtimestamp(RATE_LIMIT_RESET, tz=timezone.utc)
    assert error.reset_at == reset_at
    assert reset_at.astimezone().strftime("%H:%M") in str(error)


def test_rate_limited_is_not_waited_out(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429, headers=RATE_LIMITED_HEADERS)

    post_and_catch(RateLimitedError)

    assert len(x_api.calls) == 1


def test_rate_limited_without_a_reset_header(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429)

    error = post_and_catch(RateLimitedError)

    assert error.reset_at is None


@pytest.mark.parametrize(
    ("whose", "named"), [("user", "this bot account"), ("app", "the app")]
)
def test_used_up_24_hour_cap_gives_its_own_reset_with_the_date(
    credentials_in_env, x_api, whose, named
):
    reset = int(time.time()) + 2 * 24 * 3600  # surely another day
    headers = daily_cap_headers(whose, reset)
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429, headers=headers)

    error = post_and_catch(RateLimitedError)

    reset_at = datetime.fromtimestamp(reset, tz=timezone.utc)
    assert error.reset_at == reset_at
    assert "24-hour" in str(error)
    assert named in str(error)
    assert reset_at.astimezone().strftime("on %Y-%m-%d at %H:%M") in str(error)


def test_reset_later_today_is_given_as_a_time_only(credentials_in_env, x_api):
    headers = {**RATE_LIMITED_HEADERS, "x-rate-limit-reset": str(int(time.time()))}
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429, headers=headers)

    error = post_and_catch(RateLimitedError)

    assert error.reset_at.astimezone().strftime("at %H:%M") in str(error)
    assert not re.search(r"\d{4}-\d\d-\d\d", str(error))


@pytest.mark.parametrize(
    "problem", ["client-not-enrolled", "client-forbidden", "user-not-enrolled"]
)
def test_app_without_a_usable_api_plan(credentials_in_env, x_api, problem):
    x_api.post(TWEETS_URL, json=not_enrolled(problem), status=403)

    error = post_and_catch(XError)

    assert problem in str(error)
    assert "Pay-per-use" in str(error)
    assert "Production" in str(error)


def test_credits_depleted(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=CREDITS_DEPLETED, status=402)

    error = post_and_catch(CreditsDepletedError)

    assert "credits" in str(error)


def never_connected():
    """What requests raises when no connection could be made (refused, no DNS)."""
    reason = urllib3.exceptions.NewConnectionError(None, "Connection refused")
    return requests.ConnectionError(
        urllib3.exceptions.MaxRetryError(None, TWEETS_URL, reason)
    )


# What became of a request that left but got no answer saying so.
NO_ANSWER = {
    "500": {"json": SERVICE_UNAVAILABLE, "status": 500},
    "503": {"json": SERVICE_UNAVAILABLE, "status": 503},
    "connection-lost": {"body": requests.ConnectionError("Connection aborted.")},
    "read-timeout": {"body": requests.ReadTimeout("Read timed out.")},
}


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_a_post_without_an_answer_may_have_been_made_and_is_not_retried(
    credentials_in_env, x_api, answer
):
    x_api.post(TWEETS_URL, **NO_ANSWER[answer])

    error = post_and_catch(XUnreachableError)

    assert "the post may have been made" in str(error)
    assert "try again" not in str(error)
    assert len(x_api.calls) == 1


@pytest.mark.parametrize("root", ["https://exa mple.com", "https://.a"])
def test_a_post_to_a_url_that_cannot_be_sent_was_not_made(
    credentials_in_env, monkeypatch, root
):
    monkeypatch.setenv("TWITTER_API_BASE_URL", root)

    with pytest.raises(BotError) as caught:
        post("Hello World!")

    assert "may have been made" not in str(caught.value)


@pytest.mark.parametrize("answer", NO_ANSWER)
def test_a_read_without_an_answer_says_to_try_again(credentials_in_env, x_api, answer):
    x_api.get(USERS_ME_URL, **NO_ANSWER[answer])

    with pytest.raises(XUnreachableError) as caught:
        Client(load_settings().credentials()).me()

    assert "try again" in str(caught.value)


@pytest.mark.parametrize(
    "network_error",
    [never_connected(), requests.ConnectTimeout("Connection to api.x.com timed out.")],
    ids=["refused", "connect-timeout"],
)
def test_a_post_that_never_left_says_to_check_the_network(
    credentials_in_env, x_api, network_error
):
    x_api.post(TWEETS_URL, body=network_error)

    error = post_and_catch(XUnreachableError)

    assert "network" in str(error)
    assert "may have been made" not in str(error)


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip-bomb"])
def test_an_answer_too_large_to_be_xs_is_not_read_to_its_end(
    credentials_in_env, x_api, packed
):
    body = b'{"data": {"username": "' + b"x" * 3_000_000 + b'"}}'
    headers = {"content-encoding": "gzip"} if packed else {}
    x_api.get(
        USERS_ME_URL, body=gzip.compress(body) if packed else body, headers=headers
    )

    with pytest.raises(XUnreachableError) as caught:
        Client(load_settings().credentials()).me()

    assert "over 1 MiB" in str(caught.value)


def test_unknown_refusal_passes_on_xs_message(credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=TOO_LONG, status=400)

    error = post_and_catch(XError)

    assert type(error) is XError
    assert TOO_LONG_MESSAGE in str(error)


# --- An answer that makes no sense ------------------------------------------


def test_me_on_an_answer_without_a_username_is_an_x_error(credentials_in_env, x_api):
    x_api.get(USERS_ME_URL, json={"data": {"id": "1072250532645998596"}})
    settings = load_settings()
    client = Client(settings.credentials())

    with pytest.raises(XError) as caught:
        client.me()

    assert "X's answer to GET /2/users/me made no sense" in str(caught.value)


# Bodies that are no JSON object as X sends one: not JSON, not text, nested
# beyond what Python's json reads, or JSON of another shape.
NOT_AN_OBJECT = {
    "empty": b"",
    "html": b"<html><body>Bad Gateway</body></html>",
    "not-utf8": b"\xff\xfe\xfa\x00{",
    "json-list": b'[{"data": {"id": "1", "username": "x"}}]',
    "json-string": b'"data"',
    "json-number": b"201",
    "json-null": b"null",
    "deeply-nested": b"[" * 100_000 + b"]" * 100_000,
}
# Answers to a request that X accepted, without the one value the bot needs.
NO_DATA = {
    **NOT_AN_OBJECT,
    "no-data": b'{"errors": [{"message": "?"}]}',
    "data-null": b'{"data": null}',
    "data-a-list": b'{"data": [{"id": "1", "username": "x"}]}',
    "data-a-string": b'{"data": "id"}',
    "value-null": b'{"data": {"id": null, "username": null}}',
    "value-empty": b'{"data": {"id": "", "username": ""}}',
    "value-blank": b'{"data": {"id": "\\n\\u001b", "username": "\\t\\u2028"}}',
    "value-an-object": b'{"data": {"id": {"a": 1}, "username": {"a": 1}}}',
    "value-a-list": b'{"data": {"id": ["1"], "username": ["x"]}}',
    "value-a-number": b'{"data": {"id": 1.5, "username": 7}}',
}


@pytest.mark.parametrize("body", NO_DATA.values(), ids=NO_DATA)
def test_post_on_an_answer_without_an_id_says_it_may_have_been_made(
    credentials_in_env, x_api, body
):
    x_api.post(TWEETS_URL, body=body, status=201)

    error = post_and_catch(XError)

    assert "may have been made" in str(error)
    assert len(x_api.calls) == 1


@pytest.mark.parametrize("body", NO_DATA.values(), ids=NO_DATA)
def test_whoami_on_an_answer_without_a_username_exits_1_with_one_line(
    capsys, credentials_in_env, x_api, body
):
    x_api.get(USERS_ME_URL, body=body, status=200)

    exit_code, out, err = run_cli(capsys, "whoami")

    assert exit_code == 1
    assert out == ""
    assert_one_error_line(err)
    assert "X's answer to GET /2/users/me made no sense" in err


# --- Refusals whatever their body ----------------------------------------------

ODD_REFUSALS = {
    **NOT_AN_OBJECT,
    "errors-a-number": b'{"errors": 5}',
    "errors-a-string": b'{"errors": "refused"}',
    "errors-an-object": b'{"errors": {"message": "refused"}}',
    "errors-null": b'{"errors": null}',
    "odd-entries": b'{"errors": [5, null, [], true, {"message": 5}, '
    b'{"message": ["a"]}, {"message": null}, {"code": "x"}]}',
    "error-an-object": b'{"error": {"a": 1}}',
    "detail-an-object": b'{"detail": {"a": 1}}',
    "type-not-text": b'{"type": ["oauth1-permissions"], "detail": ["duplicate content"]}',
    "type-a-number": b'{"type": 5, "title": 6, "status": "x"}',
}


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 429, 500, 503])
@pytest.mark.parametrize("body", ODD_REFUSALS.values(), ids=ODD_REFUSALS)
def test_a_refusal_with_any_body_exits_1_with_one_line(
    capsys, credentials_in_env, x_api, body, status
):
    x_api.get(USERS_ME_URL, body=body, status=status)

    exit_code, out, err = run_cli(capsys, "whoami")

    assert exit_code == 1
    assert out == ""
    assert_one_error_line(err)


@pytest.mark.parametrize("body", ODD_REFUSALS.values(), ids=ODD_REFUSALS)
def test_an_unknown_refusal_without_a_message_says_so(credentials_in_env, x_api, body):
    x_api.post(TWEETS_URL, body=body, status=400)

    error = post_and_catch(XError)

    assert str(error) == "X refused the request (400): no details."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"errors": ["first", {"message": "second"}], "detail": "x"}, "first; second"),
        (
            {"errors": [{"code": 1}, {"message": 5}], "detail": "the detail"},
            "the detail",
        ),
        ({"error": "a v1.1 error"}, "a v1.1 error"),
        ({"errors": [{"message": "one"}], "error": "two"}, "one; two"),
    ],
    ids=["strings-and-objects", "detail-when-no-message", "error", "errors-and-error"],
)
def test_an_unknown_refusal_passes_on_each_of_xs_messages(
    credentials_in_env, x_api, body, message
):
    x_api.post(TWEETS_URL, json=body, status=400)

    error = post_and_catch(XError)

    assert str(error) == f"X refused the request (400): {message}."


# --- When a limit resets, if X says so plainly ------------------------------------

NOT_A_TIME = {
    "empty": "",
    "a-word": "soon",
    "a-fraction": "1749000900.5",
    "negative": "-60",
    "hexadecimal": "0x683f5a84",
    "exponent": "1.7e9",
    "superscript-digits": "\u00b2\u00b3",
    "huge": "99999999999999999999",
    "thousands-of-digits": "9" * 5000,
    "after-year-9999": "253402300800",
}


@pytest.mark.parametrize("reset", NOT_A_TIME.values(), ids=NOT_A_TIME)
def test_a_rate_limit_reset_that_is_no_time_is_unknown(
    capsys, credentials_in_env, x_api, reset
):
    headers = {**RATE_LIMITED_HEADERS, "x-rate-limit-reset": reset}
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429, headers=headers)

    exit_code, out, err = run_cli(capsys, "post", "hi")

    assert exit_code == 1
    assert_one_error_line(err)
    assert "X's rate limit is used up; it resets within 15 minutes" in err


@pytest.mark.parametrize("reset", NOT_A_TIME.values(), ids=NOT_A_TIME)
def test_a_24_hour_reset_that_is_no_time_is_unknown(credentials_in_env, x_api, reset):
    headers = {**daily_cap_headers("user", RATE_LIMIT_RESET)}
    headers["x-user-limit-24hour-reset"] = reset
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429, headers=headers)

    error = post_and_catch(RateLimitedError)

    assert error.reset_at is None
    assert "it resets within 24 hours" in str(error)


@pytest.fixture
def far_east(monkeypatch):
    """The local time zone is 9 hours ahead of UTC."""
    monkeypatch.setenv("TZ", "JST-9")  # POSIX form: needs no time zone database
    time.tzset()
    yield
    monkeypatch.undo()  # now, to set the clock back with the variable
    time.tzset()


def test_a_reset_the_local_clock_cannot_show_is_unknown(
    far_east, credentials_in_env, x_api
):
    last_second_of_9999 = "253402300799"  # UTC: in Tokyo it is already year 10000
    headers = {**RATE_LIMITED_HEADERS, "x-rate-limit-reset": last_second_of_9999}
    x_api.post(TWEETS_URL, json=RATE_LIMITED, status=429, headers=headers)

    error = post_and_catch(RateLimitedError)

    assert error.reset_at is None
    assert "within 15 minutes" in str(error)


# --- Text from X, shown as one plain line ----------------------------------------

# Characters that break the line, move the cursor, colour the terminal or
# reorder what follows them.
UNSHOWN = {
    "line-feed": "\n",
    "carriage-return": "\r",
    "tab": "\t",
    "nul": "\x00",
    "bell": "\x07",
    "escape": "\x1b",
    "delete": "\x7f",
    "next-line-c1": "\x85",
    "csi-c1": "\x9b",
    "line-separator": "\u2028",
    "paragraph-separator": "\u2029",
    "right-to-left-override": "\u202e",
    "left-to-right-embedding": "\u202a",
    "first-strong-isolate": "\u2068",
    "lone-surrogate": "\ud800",
}


@pytest.mark.parametrize("unshown", UNSHOWN.values(), ids=UNSHOWN)
def test_one_line_keeps_the_words_and_drops_what_a_terminal_would_act_on(unshown):
    assert (
        one_line(f"{unshown}before{unshown}{unshown}after{unshown}") == "before after"
    )


@pytest.mark.parametrize(
    ("sequence", "shown"),
    [
        ("\x1b[31m", "before [31mafter"),
        ("\x1b]0;owned\x07", "before ]0;owned after"),
        ("\x9b2J", "before 2Jafter"),
    ],
    ids=["colour", "window-title", "c1-clear-screen"],
)
def test_one_line_leaves_an_escape_sequence_harmless_and_visible(sequence, shown):
    assert one_line(f"before{sequence}after") == shown


@pytest.mark.parametrize(
    "text",
    ["Your Tweet text is too long.", "déjà vu, Ελληνικά, עברית", "👩‍💻 ok", "a\u200db"],
    ids=["ascii", "letters", "emoji-with-zero-width-joiner", "zero-width-joiner"],
)
def test_one_line_leaves_plain_text_as_it_is(text):
    assert one_line(text) == text


@pytest.mark.parametrize("length", [1000, 100_000])
def test_one_line_cuts_long_text_with_an_ellipsis(length):
    shown = one_line("x" * length)

    assert 100 <= len(shown) <= 500
    assert shown.endswith("…")


@pytest.mark.parametrize(
    "body",
    [
        {"errors": [{"message": "line one\nline two\x1b[31m red \u2028 end"}]},
        {"detail": "line one\r\nline two\x1b[31m red \u2029 end"},
        {"errors": ["line one\x85line two\x9b31m red \u202e end"]},
    ],
    ids=["errors-message", "detail", "errors-string"],
)
def test_xs_message_is_shown_as_one_plain_line(capsys, credentials_in_env, x_api, body):
    x_api.post(TWEETS_URL, json=body, status=400)

    exit_code, out, err = run_cli(capsys, "post", "hi")

    assert exit_code == 1
    assert_one_error_line(err)
    assert err[:-1].isprintable()
    assert "line one line two" in err
    assert "end." in err


def test_a_long_message_from_x_is_cut(capsys, credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json={"detail": "too long " * 10_000}, status=400)

    exit_code, out, err = run_cli(capsys, "post", "hi")

    assert_one_error_line(err)
    assert len(err) < 500
    assert "…" in err


def test_whoami_shows_the_username_as_one_plain_line(capsys, credentials_in_env, x_api):
    x_api.get(USERS_ME_URL, json={"data": {"username": "Tweepy\x1b[2J\nDev\u202e"}})

    exit_code, out, err = run_cli(capsys, "whoami")

    assert exit_code == 0
    assert out == "@Tweepy [2J Dev\n"
