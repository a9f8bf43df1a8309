"""``auth``: X's PIN-based OAuth 1.0a flow, as the user sees it.

1. POST /oauth/request_token  -> a request token (the app asks for a PIN)
2. the user opens the authorize link, clicks "Authorize app", reads a PIN
3. POST /oauth/access_token   -> the bot account's access token
4. GET /2/users/me            -> which account that is; then .env is written

The tests answer the prompts with ``typed(...)`` instead of a keyboard. X
answers the two OAuth requests form-encoded when it accepts them, and with
JSON, plain text or XML when it refuses, as below.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from dotenv import dotenv_values
from fake_x import FAKE_CREDENTIALS, ME, USERS_ME_URL, is_signed_for_its_url
from git_helpers import git, needs_git
from helpers import assert_one_error_line, lines, mode_of, run_cli, write_env_file

from {{ cookiecutter.package_name }} import (
    ConfigError,
    InputError,
    XError,
    XUnreachableError,
    cli,
)
from {{ cookiecutter.package_name }}.auth import (
    authorize,
)
from {{ cookiecutter.package_name }}.credentials import (
    COMMAND,
    load_settings,
)
from {{ cookiecutter.package_name }}.errors import (
    AppKeysRejectedError,
    AuthCancelledError,
    WrongPinError,
)

X_ROOT = "https://api.x.com"
SANDBOX_ROOT = "http://127.0.0.1:9"

APP_KEY = FAKE_CREDENTIALS["TWITTER_CONSUMER_KEY"]
APP_SECRET = FAKE_CREDENTIALS["TWITTER_CONSUMER_SECRET"]
ACCESS_TOKEN = FAKE_CREDENTIALS["TWITTER_ACCESS_TOKEN"]
ACCESS_TOKEN_SECRET = FAKE_CREDENTIALS["TWITTER_ACCESS_TOKEN_SECRET"]
REQUEST_TOKEN = "fake-request-token"
REQUEST_TOKEN_SECRET = f"{REQUEST_TOKEN}-secret"

PIN = "1234567"
WRONG_PIN = "7654321"

# --- X's answers (form-encoded, as X sends them) ---------------------------------


def request_token_answer(token):
    """POST /oauth/request_token -> 200."""
    return (
        f"oauth_token={token}&oauth_token_secret={token}-secret"
        "&oauth_callback_confirmed=true"
    )


# POST /oauth/access_token -> 200
ACCESS_TOKEN_ANSWER = (
    f"oauth_token={ACCESS_TOKEN}&oauth_token_secret={ACCESS_TOKEN_SECRET}"
    "&user_id=1072250532645998596&screen_name=TweepyDev"
)
# POST /oauth/request_token -> 401: unknown API key, or a secret that does not match
APP_KEYS_REJECTED = {"errors": [{"code": 32, "message": "Could not authenticate you."}]}
# POST /oauth/access_token -> 401 (plain text): a mistyped or already used PIN
PIN_REJECTED = "Error processing your OAuth request: Invalid oauth_verifier parameter"
# POST /oauth/request_token -> 403 (XML): the app has no callback URL set
CALLBACK_NOT_APPROVED = (
    "<?xml version='1.0' encoding='UTF-8'?><errors><error code=\"415\">Callback "
    "URL not approved for this client application. Approved callback URLs can "
    "be adjusted in your application settings</error></errors>"
)

FORM = "application/x-www-form-urlencoded"


# --- Helpers ----------------------------------------------------------------------


class Keyboard:
    """Stands in for ``input``/``getpass``: gives the answers in order, then
    end of input (EOFError, what Ctrl-D or a closed pipe gives). Remembers the
    prompts it was asked."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.prompts = []

    def __call__(self, prompt):
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)


def typed(*answers):
    """What the user types at the prompts: ``ask=typed(PIN)``."""
    return Keyboard(answers)


def never_asked(prompt):
    """For a prompt that must not appear: the answer was known already."""
    pytest.fail(f"asked {prompt!r}, but the answer was already known")


def answer_request_token(x_api, root=X_ROOT, token=REQUEST_TOKEN):
    x_api.post(
        f"{root}/oauth/request_token",
        body=request_token_answer(token),
        content_type=FORM,
    )


def answer_access_token(x_api, root=X_ROOT):
    x_api.post(
        f"{root}/oauth/access_token", body=ACCESS_TOKEN_ANSWER, content_type=FORM
    )


def answer_pin_rejected(x_api):
    x_api.post(f"{X_ROOT}/oauth/access_token", body=PIN_REJECTED, status=401)


def answer_users_me(x_api, root=X_ROOT):
    x_api.get(f"{root}/2/users/me", json=ME, headers={"x-rate-limit-limit": "75"})


def answer_whole_flow(x_api, root=X_ROOT):
    """X accepts the app, the PIN and the new token: three answers."""
    answer_request_token(x_api, root)
    answer_access_token(x_api, root)
    answer_users_me(x_api, root)


def run_auth(tmp_path, *, ask, ask_secret=never_asked, **options):
    """Authorize with the settings found in the test's folder; .env goes there."""
    env_file = tmp_path / ".env"
    settings = load_settings(env_file, must_exist=False)
    return authorize(settings, env_file, ask=ask, ask_secret=ask_secret, **options)


def requests_sent(x_api):
    """(method, path) of each request X received, in order."""
    return [
        (call.request.method, urlsplit(call.request.url).path) for call in x_api.calls
    ]


def authorization_header(call):
    header = call.request.headers["Authorization"]
    return header.decode() if isinstance(header, bytes) else header


def authorize_links(out):
    """The authorize links printed in ``out``."""
    return [word for word in out.split() if "/oauth/authorize?" in word]


def query_of(url):
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def assert_nothing_saved(folder):
    """Nothing at all in the folder: no .env, no half-written temporary file."""
    assert list(folder.iterdir()) == []


@pytest.fixture
def app_keys_in_env(monkeypatch):
    """The app's API key and secret are set as environment variables."""
    monkeypatch.setenv("TWITTER_CONSUMER_KEY", APP_KEY)
    monkeypatch.setenv("TWITTER_CONSUMER_SECRET", APP_SECRET)


# --- The whole flow ---------------------------------------------------------------


def test_authorizing_takes_exactly_three_requests(tmp_path, app_keys_in_env, x_api):
    answer_whole_flow(x_api)

    run_auth(tmp_path, ask=typed(PIN))

    assert requests_sent(x_api) == [
        ("POST", "/oauth/request_token"),
        ("POST", "/oauth/access_token"),
        ("GET", "/2/users/me"),
    ]


def test_request_token_asks_for_a_pin_and_write_access(
    tmp_path, app_keys_in_env, x_api
):
    answer_whole_flow(x_api)

    run_auth(tmp_path, ask=typed(PIN))

    request_token_call = x_api.calls[0]
    assert 'oauth_callback="oob"' in authorization_header(request_token_call)
    assert f'oauth_consumer_key="{APP_KEY}"' in authorization_header(request_token_call)
    assert query_of(request_token_call.request.url) == {"x_auth_access_type": "write"}


def test_access_token_request_carries_the_pin(tmp_path, app_keys_in_env, x_api):
    answer_whole_flow(x_api)

    run_auth(tmp_path, ask=typed(PIN))

    access_token_call = x_api.calls[1]
    assert f'oauth_verifier="{PIN}"' in authorization_header(access_token_call)
    assert f'oauth_token="{REQUEST_TOKEN}"' in authorization_header(access_token_call)


@pytest.mark.parametrize(
    ("handle", "prefilled"),
    [("@acme_bot", {"screen_name": "acme_bot"}), (None, {})],
    ids=["with-handle", "without-handle"],
)
def test_link_makes_x_ask_who_logs_in_and_prefills_the_handle(
    capsys, tmp_path, app_keys_in_env, x_api, handle, prefilled
):
    answer_whole_flow(x_api)

    run_auth(tmp_path, ask=typed(PIN), handle=handle)

    [link] = authorize_links(capsys.readouterr().out)
    assert link.startswith(f"{X_ROOT}/oauth/authorize?")
    assert query_of(link) == {
        "oauth_token": REQUEST_TOKEN,
        "force_login": "true",
        **prefilled,
    }


def test_success_says_which_account_was_authorized(
    capsys, tmp_path, app_keys_in_env, x_api
):
    answer_whole_flow(x_api)

    username = run_auth(tmp_path, ask=typed(PIN))

    assert username == "TweepyDev"
    assert "Authorized as @TweepyDev" in capsys.readouterr().out


def test_env_file_holds_the_four_credentials(tmp_path, app_keys_in_env, x_api):
    answer_whole_flow(x_api)

    run_auth(tmp_path, ask=typed(PIN))

    assert dotenv_values(tmp_path / ".env") == FAKE_CREDENTIALS


def test_env_file_is_readable_by_its_owner_only(tmp_path, app_keys_in_env, x_api):
    answer_whole_flow(x_api)

    run_auth(tmp_path, ask=typed(PIN))

    assert mode_of(tmp_path / ".env") == 0o600


# --- The app's API key and secret -------------------------------------------------


def test_app_keys_from_the_environment_are_used_without_asking(
    tmp_path, app_keys_in_env, x_api
):
    answer_whole_flow(x_api)
    ask = typed(PIN)

    run_auth(tmp_path, ask=ask, ask_secret=never_asked)

    assert ask.prompts == ["PIN: "]


def test_app_keys_from_env_file_are_used_without_asking(tmp_path, x_api):
    write_env_file(
        tmp_path / ".env",
        {"TWITTER_CONSUMER_KEY": APP_KEY, "TWITTER_CONSUMER_SECRET": APP_SECRET},
    )
    answer_whole_flow(x_api)
    ask = typed(PIN)

    run_auth(tmp_path, ask=ask, ask_secret=never_asked)

    assert ask.prompts == ["PIN: "]
    assert dotenv_values(tmp_path / ".env") == FAKE_CREDENTIALS


def test_missing_app_keys_are_asked_and_the_secret_is_not_echoed(tmp_path, x_api):
    answer_whole_flow(x_api)
    ask = typed(APP_KEY, PIN)
    ask_secret = typed(APP_SECRET)

    run_auth(tmp_path, ask=ask, ask_secret=ask_secret)

    assert len(ask.prompts) == 2  # the API key, then the PIN
    assert len(ask_secret.prompts) == 1  # the API key secret, without echo
    assert dotenv_values(tmp_path / ".env") == FAKE_CREDENTIALS


def test_only_the_missing_secret_is_asked(tmp_path, monkeypatch, x_api):
    monkeypatch.setenv("TWITTER_CONSUMER_KEY", APP_KEY)
    answer_whole_flow(x_api)
    ask = typed(PIN)
    ask_secret = typed(APP_SECRET)

    run_auth(tmp_path, ask=ask, ask_secret=ask_secret)

    assert ask.prompts == ["PIN: "]
    assert len(ask_secret.prompts) == 1
    assert dotenv_values(tmp_path / ".env") == FAKE_CREDENTIALS


def test_new_app_keys_are_asked_even_when_set(tmp_path, app_keys_in_env, x_api):
    """After regenerating the keys in the developer portal: --new-app-keys."""
    answer_whole_flow(x_api)

    run_auth(
        tmp_path,
        ask=typed("fake-new-consumer-key", PIN),
        ask_secret=typed("fake-new-consumer-secret"),
        ask_new_app_keys=True,
    )

    assert 'oauth_consumer_key="fake-new-consumer-key"' in authorization_header(
        x_api.calls[0]
    )
    saved = dotenv_values(tmp_path / ".env")
    assert saved["TWITTER_CONSUMER_KEY"] == "fake-new-consumer-key"
    assert saved["TWITTER_CONSUMER_SECRET"] == "fake-new-consumer-secret"


def test_no_secret_is_ever_printed(capsys, tmp_path, x_api):
    answer_whole_flow(x_api)

    run_auth(tmp_path, ask=typed(APP_KEY, PIN), ask_secret=typed(APP_SECRET))

    out, err = capsys.readouterr()
    for secret in (APP_SECRET, REQUEST_TOKEN_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET):
        assert secret not in out + err


# --- The PIN ----------------------------------------------------------------------


def test_wrong_pin_gets_a_fresh_link_and_another_try(
    capsys, tmp_path, app_keys_in_env, x_api
):
    answer_request_token(x_api, token="fake-request-token-1")
    answer_pin_rejected(x_api)
    answer_request_token(x_api, token="fake-request-token-2")
    answer_access_token(x_api)
    answer_users_me(x_api)

    username = run_auth(tmp_path, ask=typed(WRONG_PIN, PIN))

    assert username == "TweepyDev"
    assert requests_sent(x_api).count(("POST", "/oauth/request_token")) == 2
    links = authorize_links(capsys.readouterr().out)
    assert [query_of(link)["oauth_token"] for link in links] == [
        "fake-request-token-1",
        "fake-request-token-2",
    ]
    assert dotenv_values(tmp_path / ".env") == FAKE_CREDENTIALS


def test_three_wrong_pins_give_up_and_save_nothing(tmp_path, app_keys_in_env, x_api):
    for _ in range(3):
        answer_request_token(x_api)
        answer_pin_rejected(x_api)

    with pytest.raises(WrongPinError) as caught:
        run_auth(tmp_path, ask=typed(WRONG_PIN, WRONG_PIN, WRONG_PIN))

    assert requests_sent(x_api).count(("POST", "/oauth/request_token")) == 3
    assert f"{COMMAND} auth" in str(caught.value)
    assert_nothing_saved(tmp_path)


def test_pin_that_is_not_a_number_is_refused_without_a_request(
    capsys, tmp_path, app_keys_in_env, x_api
):
    answer_request_token(x_api)

    with pytest.raises(AuthCancelledError):
        run_auth(tmp_path, ask=typed("my password"))  # then end of input

    assert requests_sent(x_api) == [("POST", "/oauth/request_token")]
    assert "The PIN is the number" in capsys.readouterr().out


class EndlessAnswers:
    """``yes`` piped into ``auth``: the same answer, for ever."""

    def __init__(self, answer):
        self.answer = answer
        self.prompts = []

    def __call__(self, prompt):
        self.prompts.append(prompt)
        if len(self.prompts) > 100:
            pytest.fail("auth kept asking")
        return self.answer


@pytest.mark.parametrize(
    ("answer", "error"),
    [("y", AuthCancelledError), (WRONG_PIN, WrongPinError)],
    ids=["not-a-number", "wrong-pin"],
)
def test_endless_answers_end_after_the_few_tries(
    tmp_path, app_keys_in_env, x_api, answer, error
):
    """Only answers that are no number are bad input (exit 2): X saw none."""
    for _ in range(3):
        answer_request_token(x_api)
        answer_pin_rejected(x_api)
    x_api.assert_all_requests_are_fired = False  # "y" never reaches X
    keyboard = EndlessAnswers(answer)

    with pytest.raises(error) as caught:
        run_auth(tmp_path, ask=keyboard)

    assert keyboard.prompts == ["PIN: "] * 3
    assert "3 tries" in str(caught.value)
    assert_nothing_saved(tmp_path)


def test_every_answer_counts_toward_the_tries(tmp_path, app_keys_in_env, x_api):
    answer_request_token(x_api)
    answer_pin_rejected(x_api)
    answer_request_token(x_api)

    with pytest.raises(WrongPinError):
        run_auth(tmp_path, ask=typed("abc", WRONG_PIN, "no idea", PIN))

    assert requests_sent(x_api) == [
        ("POST", "/oauth/request_token"),
        ("POST", "/oauth/access_token"),
        ("POST", "/oauth/request_token"),
    ]


@pytest.mark.parametrize(
    "handle",
    ["--new-app-keys", "acme bot", "a" * 16, "@", "", "acme\udcffbot", "acme\nbot"],
)
def test_handle_that_is_not_an_x_handle_is_refused_before_any_request(
    tmp_path, app_keys_in_env, x_api, handle
):
    with pytest.raises(InputError) as caught:
        run_auth(tmp_path, ask=never_asked, handle=handle)

    assert "not an X handle" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert len(x_api.calls) == 0


@pytest.mark.parametrize("handle", ["acme_bot", "@Acme_Bot_2026", "a", "x" * 15])
def test_x_handles_are_accepted(tmp_path, app_keys_in_env, x_api, handle):
    answer_whole_flow(x_api)

    run_auth(tmp_path, ask=typed(PIN), handle=handle)

    assert dotenv_values(tmp_path / ".env") == FAKE_CREDENTIALS


def test_env_file_that_cannot_be_written_is_refused_before_any_request(
    tmp_path, app_keys_in_env, x_api
):
    env_file = tmp_path / "gone" / ".env"
    settings = load_settings(env_file, must_exist=False)

    with pytest.raises(ConfigError) as caught:
        authorize(settings, env_file, ask=never_asked, ask_secret=never_asked)

    assert str(env_file) in str(caught.value)
    assert len(x_api.calls) == 0


# --- When it cannot finish --------------------------------------------------------


@pytest.mark.parametrize("step", ["request_token", "access_token"])
@pytest.mark.parametrize(
    ("status", "said"),
    [(429, "rate limit is used up"), (500, "X failed (500)"), (503, "X failed (503)")],
)
def test_x_busy_or_failing_during_the_flow_says_so(
    tmp_path, app_keys_in_env, x_api, step, status, said
):
    if step == "access_token":
        answer_request_token(x_api)
    x_api.post(f"{X_ROOT}/oauth/{step}", json={"title": "busy"}, status=status)

    with pytest.raises(XError) as caught:
        run_auth(tmp_path, ask=typed(PIN))

    assert said in str(caught.value)
    assert "OAuth 1.0a" not in str(caught.value)
    assert_nothing_saved(tmp_path)


def test_rejected_app_keys_say_to_use_new_app_keys(tmp_path, app_keys_in_env, x_api):
    x_api.post(f"{X_ROOT}/oauth/request_token", json=APP_KEYS_REJECTED, status=401)

    with pytest.raises(AppKeysRejectedError) as caught:
        run_auth(tmp_path, ask=never_asked)

    message = str(caught.value)
    assert "rejected" in message
    assert "--new-app-keys" in message
    assert "TWITTER_CONSUMER_KEY" in message  # where the rejected key came from
    assert APP_SECRET not in message


def test_end_of_input_at_the_api_key_sends_nothing(tmp_path, x_api):
    with pytest.raises(AuthCancelledError):
        run_auth(tmp_path, ask=typed(), ask_secret=typed())

    assert len(x_api.calls) == 0
    assert_nothing_saved(tmp_path)


def test_app_without_a_callback_url_is_told_how_to_set_one(
    tmp_path, app_keys_in_env, x_api
):
    x_api.post(
        f"{X_ROOT}/oauth/request_token",
        body=CALLBACK_NOT_APPROVED,
        status=403,
        content_type="application/xml",
    )

    with pytest.raises(XError) as caught:
        run_auth(tmp_path, ask=never_asked)

    message = str(caught.value)
    assert "415" in message
    assert "User authentication settings" in message
    assert "Callback URI" in message
    assert f"`{COMMAND} auth`" in message
    assert_nothing_saved(tmp_path)


def test_no_network_raises_x_unreachable_and_saves_nothing(
    tmp_path, app_keys_in_env, x_api
):
    x_api.post(
        f"{X_ROOT}/oauth/request_token",
        body=requests.ConnectionError("Network is unreachable"),
    )

    with pytest.raises(XUnreachableError):
        run_auth(tmp_path, ask=never_asked)

    assert_nothing_saved(tmp_path)


@pytest.mark.parametrize(
    "answer",
    [
        {"body": requests.ConnectionError("Network is unreachable")},
        {"json": {"title": "Service Unavailable"}, "status": 503},
        {"json": {"title": "Too Many Requests"}, "status": 429},
        {"json": {}, "status": 200},
    ],
    ids=["network-lost", "x-failing", "rate-limited", "no-username"],
)
def test_tokens_x_gave_are_saved_even_when_the_account_is_not_confirmed(
    capsys, tmp_path, app_keys_in_env, x_api, answer
):
    """X accepted the PIN: the browser step would not have to be done again."""
    answer_request_token(x_api)
    answer_access_token(x_api)
    x_api.get(USERS_ME_URL, **answer)

    username = run_auth(tmp_path, ask=typed(PIN))

    assert username is None
    assert dotenv_values(tmp_path / ".env") == FAKE_CREDENTIALS
    out = capsys.readouterr().out
    assert "Authorized, but X did not say which account" in out
    assert f"`{COMMAND} whoami`" in out


def test_tokens_x_rejects_right_away_are_not_saved(tmp_path, app_keys_in_env, x_api):
    answer_request_token(x_api)
    answer_access_token(x_api)
    x_api.get(USERS_ME_URL, json={"title": "Unauthorized"}, status=401)

    with pytest.raises(XError):
        run_auth(tmp_path, ask=typed(PIN))

    assert_nothing_saved(tmp_path)


def test_failure_leaves_an_existing_env_file_as_it_was(
    tmp_path, app_keys_in_env, x_api
):
    old_content = "# my notes\nTWITTER_ACCESS_TOKEN=fake-old-access-token\n"
    (tmp_path / ".env").write_text(old_content, encoding="utf-8")
    x_api.post(f"{X_ROOT}/oauth/request_token", json=APP_KEYS_REJECTED, status=401)

    with pytest.raises(AppKeysRejectedError):
        run_auth(tmp_path, ask=never_asked)

    assert (tmp_path / ".env").read_text(encoding="utf-8") == old_content


# --- Another API root (the sandbox) -----------------------------------------------


@pytest.fixture
def sandbox(monkeypatch, app_keys_in_env, x_api):
    """TWITTER_API_BASE_URL points at a loopback sandbox, which answers the flow."""
    monkeypatch.setenv("TWITTER_API_BASE_URL", SANDBOX_ROOT)
    answer_whole_flow(x_api, root=SANDBOX_ROOT)
    return x_api


def test_link_points_at_the_api_base_url(capsys, tmp_path, sandbox):
    run_auth(tmp_path, ask=typed(PIN))

    [link] = authorize_links(capsys.readouterr().out)
    assert link.startswith(f"{SANDBOX_ROOT}/oauth/authorize?")


def test_env_file_records_the_api_base_url(tmp_path, sandbox):
    """Tokens made by the sandbox only work there: .env says where they belong."""
    run_auth(tmp_path, ask=typed(PIN))

    saved = dotenv_values(tmp_path / ".env")
    assert saved["TWITTER_API_BASE_URL"] == SANDBOX_ROOT
    assert saved["TWITTER_ACCESS_TOKEN"] == ACCESS_TOKEN


@pytest.mark.parametrize("root", [X_ROOT, "https://api.twitter.com", SANDBOX_ROOT])
def test_every_request_is_signed_for_the_url_it_is_sent_to(
    monkeypatch, tmp_path, app_keys_in_env, x_api, root
):
    """An OAuth server checks each signature against the URL it received."""
    monkeypatch.setenv("TWITTER_API_BASE_URL", root)
    answer_whole_flow(x_api, root=root)

    run_auth(tmp_path, ask=typed(PIN))

    request_token, access_token, users_me = (call.request for call in x_api.calls)
    assert is_signed_for_its_url(request_token, APP_SECRET)
    assert is_signed_for_its_url(access_token, APP_SECRET, REQUEST_TOKEN_SECRET)
    assert is_signed_for_its_url(users_me, APP_SECRET, ACCESS_TOKEN_SECRET)


@pytest.mark.parametrize("root", [X_ROOT, "https://api.twitter.com"])
def test_authorizing_with_x_drops_an_old_api_root_from_env_file(
    monkeypatch, tmp_path, app_keys_in_env, x_api, root
):
    """Tokens from X work at both of its hosts: .env need not name one."""
    write_env_file(tmp_path / ".env", {"TWITTER_API_BASE_URL": SANDBOX_ROOT})
    monkeypatch.setenv("TWITTER_API_BASE_URL", root)
    answer_whole_flow(x_api, root=root)

    run_auth(tmp_path, ask=typed(PIN))

    assert "TWITTER_API_BASE_URL" not in dotenv_values(tmp_path / ".env")


# --- The command line: `auth` -----------------------------------------------------


def test_cli_auth_saves_env_file_and_exits_0(
    capsys, tmp_path, stdin, app_keys_in_env, x_api
):
    answer_whole_flow(x_api)
    stdin(f"{PIN}\n")

    exit_code, out, err = run_cli(capsys, "auth", "--handle", "acme_bot")

    assert exit_code == 0
    assert "Authorized as @TweepyDev" in out
    assert query_of(authorize_links(out)[0])["screen_name"] == "acme_bot"
    assert err == ""
    assert dotenv_values(tmp_path / ".env") == FAKE_CREDENTIALS


def test_cli_auth_prefills_the_handle_given_at_generation(
    capsys, tmp_path, stdin, app_keys_in_env, x_api, monkeypatch
):
    monkeypatch.setattr(cli, "BOT_HANDLE", "acme_bot")
    answer_whole_flow(x_api)
    stdin(f"{PIN}\n")

    exit_code, out, _ = run_cli(capsys, "auth")

    assert exit_code == 0
    assert query_of(authorize_links(out)[0])["screen_name"] == "acme_bot"


def test_cli_auth_keeps_the_other_lines_of_env_file(capsys, tmp_path, stdin, x_api):
    kept = [
        "# Acme Bot settings",
        f"TWITTER_CONSUMER_KEY={APP_KEY}",
        f"TWITTER_CONSUMER_SECRET={APP_SECRET}",
        "LOG_LEVEL=debug",
        "",
        "# the token from last time",
    ]
    old_token = "TWITTER_ACCESS_TOKEN=fake-old-access-token"
    (tmp_path / ".env").write_text(lines(*kept, old_token), encoding="utf-8")
    answer_whole_flow(x_api)
    stdin(f"{PIN}\n")

    exit_code, out, err = run_cli(capsys, "auth")

    assert exit_code == 0
    assert (tmp_path / ".env").read_text(encoding="utf-8") == lines(
        *kept,
        f"TWITTER_ACCESS_TOKEN={ACCESS_TOKEN}",
        f"TWITTER_ACCESS_TOKEN_SECRET={ACCESS_TOKEN_SECRET}",
    )


@pytest.mark.parametrize("cwd", [".", "src"])
def test_cli_auth_writes_the_projects_env_file_never_a_parents(
    capsys, tmp_path, stdin, app_keys_in_env, x_api, monkeypatch, cwd
):
    """A home folder's or a monorepo's own .env above the bot stays as it was."""
    parents = tmp_path / ".env"
    parents.write_bytes(b"HOME_SECRET=keep-me\n")
    project = tmp_path / "bots" / "my-bot"
    (project / "src").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'my-bot'\n")
    monkeypatch.chdir(project / cwd)
    answer_whole_flow(x_api)
    stdin(f"{PIN}\n")

    exit_code, out, _ = run_cli(capsys, "auth")

    assert exit_code == 0
    assert parents.read_bytes() == b"HOME_SECRET=keep-me\n"
    assert dotenv_values(project / ".env") == FAKE_CREDENTIALS
    assert str(project / ".env") in out


@needs_git
@pytest.mark.parametrize(
    ("gitignore", "said"),
    [
        (".env\n", "(mode 0600, git-ignored)"),
        ("__pycache__/\n", "(mode 0600), which git does NOT ignore: add it"),
        (None, "(mode 0600)."),
    ],
    ids=["ignored", "not-ignored", "no-repository"],
)
def test_cli_auth_says_whether_git_ignores_the_env_file(
    capsys, tmp_path, stdin, app_keys_in_env, x_api, gitignore, said
):
    if gitignore is not None:
        git(tmp_path, "init", "--quiet")
        (tmp_path / ".gitignore").write_text(gitignore)
    answer_whole_flow(x_api)
    stdin(f"{PIN}\n")

    exit_code, out, _ = run_cli(capsys, "auth")

    assert exit_code == 0
    assert f"Saved the credentials to {tmp_path / '.env'} {said}" in out


def test_cli_auth_refuses_a_project_folder_every_user_may_write_to(
    capsys, tmp_path, stdin, app_keys_in_env, x_api
):
    """Every later command would refuse the .env saved there: say so now."""
    tmp_path.chmod(0o777)
    try:
        exit_code, _, err = run_cli(capsys, "auth")
    finally:
        tmp_path.chmod(0o700)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "every user may write to" in err
    assert len(x_api.calls) == 0


def test_cli_rejected_app_keys_exit_1_with_one_line(
    capsys, tmp_path, stdin, app_keys_in_env, x_api
):
    x_api.post(f"{X_ROOT}/oauth/request_token", json=APP_KEYS_REJECTED, status=401)

    exit_code, out, err = run_cli(capsys, "auth")

    assert exit_code == 1
    assert_one_error_line(err)
    assert "--new-app-keys" in err
    assert_nothing_saved(tmp_path)


def test_cli_end_of_input_exits_2_with_one_line(
    capsys, tmp_path, stdin, app_keys_in_env, x_api
):
    answer_request_token(x_api)
    stdin("")

    exit_code, out, err = run_cli(capsys, "auth")

    assert exit_code == 2
    assert_one_error_line(err)
    assert f"`{COMMAND} auth`" in err
    assert_nothing_saved(tmp_path)
