"""The command line: what a user sees on stdout and stderr, and the exit code."""

import json
import os
import subprocess
import sys

import pytest
import requests
from fake_x import (
    CREATED,
    FAKE_CREDENTIALS,
    ME,
    POST_ID,
    REFUSALS,
    TWEETS_URL,
    UNAUTHORIZED,
    USERS_ME_URL,
)
from helpers import assert_one_error_line, modules_imported_by, run_cli, write_env_file

from {{ cookiecutter.package_name }} import (
    cli,
)

# --- post ---------------------------------------------------------------------


def test_post_dry_run_succeeds_without_sending(capsys, credentials_in_env, x_api):
    exit_code, out, err = run_cli(capsys, "post", "--dry-run", "hi")

    assert exit_code == 0
    assert "nothing was sent" in out
    assert err == ""
    assert len(x_api.calls) == 0


def test_post_prints_the_id_and_url(capsys, credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    exit_code, out, err = run_cli(capsys, "post", "hi")

    assert exit_code == 0
    assert POST_ID in out
    assert f"https://x.com/i/status/{POST_ID}" in out
    assert err == ""


def test_post_sends_exactly_the_text_given(capsys, credentials_in_env, x_api):
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    run_cli(capsys, "post", "Hello World!")

    assert len(x_api.calls) == 1
    assert json.loads(x_api.calls[0].request.body) == {"text": "Hello World!"}


def test_post_dash_reads_the_text_from_standard_input(
    capsys, stdin, credentials_in_env, x_api
):
    stdin("Hello from a pipe\n")
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    exit_code, out, err = run_cli(capsys, "post", "-")

    assert exit_code == 0
    assert json.loads(x_api.calls[0].request.body) == {"text": "Hello from a pipe"}


def test_post_with_env_file(capsys, tmp_path, x_api):
    env_file = write_env_file(tmp_path / "bots" / "acme.env")

    exit_code, out, err = run_cli(
        capsys, "post", "--dry-run", "--env-file", str(env_file), "hi"
    )

    assert exit_code == 0
    assert "the credentials are set" in out


def test_post_with_missing_env_file_exits_2(capsys, x_api):
    exit_code, out, err = run_cli(
        capsys, "post", "--dry-run", "--env-file", "nowhere.env", "hi"
    )

    assert exit_code == 2
    assert_one_error_line(err)
    assert "nowhere.env" in err


@pytest.mark.parametrize("name", REFUSALS)
def test_post_refused_by_x_exits_1_with_one_line(
    capsys, credentials_in_env, x_api, name
):
    status, body, headers = REFUSALS[name]
    x_api.post(TWEETS_URL, json=body, status=status, headers=headers)

    exit_code, out, err = run_cli(capsys, "post", "hi")

    assert exit_code == 1
    assert out == ""
    assert_one_error_line(err)


def test_post_without_network_exits_1_with_one_line(capsys, credentials_in_env, x_api):
    x_api.post(TWEETS_URL, body=requests.ConnectionError("connection refused"))

    exit_code, out, err = run_cli(capsys, "post", "hi")

    assert exit_code == 1
    assert_one_error_line(err)


@pytest.mark.parametrize("args", [["post", "hi"], ["whoami"]], ids=["post", "whoami"])
def test_without_credentials_exits_2_naming_them(capsys, x_api, args):
    exit_code, out, err = run_cli(capsys, *args)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "TWITTER_ACCESS_TOKEN_SECRET" in err


def test_post_too_long_exits_2(capsys, credentials_in_env, x_api):
    exit_code, out, err = run_cli(capsys, "post", "x" * 281)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "281" in err
    assert len(x_api.calls) == 0


def test_post_of_undecodable_text_exits_2_and_sends_nothing(
    capsys, credentials_in_env, x_api
):
    # What Python makes of bytes that are not UTF-8 in argv (surrogateescape).
    exit_code, _, err = run_cli(capsys, "post", "caf\udce9 au lait")

    assert exit_code == 2
    assert_one_error_line(err)
    assert "not valid Unicode" in err
    assert len(x_api.calls) == 0


NOT_UTF8 = {
    "text": ([b"post", b"--dry-run", b"caf\xe9"], b""),
    "stdin": ([b"post", b"--dry-run", b"-"], b"caf\xe9 au lait\n"),
    "env-file": ([b"post", b"--dry-run", b"--env-file", b"caf\xe9.env", b"hi"], b""),
    "handle": ([b"auth", b"--handle", b"caf\xe9"], b""),
}
LOCALES = {
    "C.UTF-8": {"LC_ALL": "C.UTF-8"},
    "C": {"LC_ALL": "C"},
    "utf8-mode": {"PYTHONUTF8": "1"},
}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("where", NOT_UTF8)
def test_bytes_that_are_not_utf8_exit_2_with_one_line(tmp_path, where, locale):
    """As on Debian/Ubuntu images and GitHub runners: Python decodes argv (and,
    in UTF-8 mode, stdin) with surrogateescape."""
    args, stdin = NOT_UTF8[where]
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-m", cli.__package__.encode(), *args],
        input=stdin,
        env={**os.environ, **FAKE_CREDENTIALS, **LOCALES[locale]},
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        check=False,
    )

    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, err
    assert_one_error_line(err)


def test_post_dash_refuses_far_too_long_input_without_reading_it_all(
    capsys, stdin, credentials_in_env, x_api
):
    stdin("x" * 10_000_000)

    exit_code, _, err = run_cli(capsys, "post", "-")

    assert exit_code == 2
    assert_one_error_line(err)
    assert "too long" in err
    assert sys.stdin.tell() < 20_000
    assert len(x_api.calls) == 0


def test_post_exits_0_when_nobody_reads_its_output(
    credentials_in_env, x_api, monkeypatch
):
    """``bot post hi | head -c0``: the post was made, so the exit code says so,
    or automation would post it again."""
    x_api.post(TWEETS_URL, json=CREATED, status=201)
    read_end, write_end = os.pipe()
    os.close(read_end)
    with open(write_end, "w") as nobody_reads:
        monkeypatch.setattr(sys, "stdout", nobody_reads)

        exit_code = cli.main(["post", "hi"])

    assert exit_code == 0
    assert len(x_api.calls) == 1


@pytest.mark.parametrize(
    "args", [["post", "--dry-run", "hi"], ["whoami"], ["auth"], ["doctor"], ["guard"]]
)
def test_deleted_current_folder_exits_2_with_one_line(
    capsys, tmp_path, monkeypatch, args
):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()

    exit_code, _, err = run_cli(capsys, *args)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "no longer exists" in err


@pytest.mark.parametrize(
    "name", ["two\nlines.env", "esc\x1b[31mred.env", "rtl\u202egol.env"]
)
def test_a_path_with_control_characters_is_shown_on_one_line(capsys, x_api, name):
    exit_code, _, err = run_cli(capsys, "post", "--dry-run", "--env-file", name, "hi")

    assert exit_code == 2
    assert_one_error_line(err)
    assert "\x1b" not in err and "\u202e" not in err


def test_post_empty_text_exits_2(capsys, credentials_in_env, x_api):
    exit_code, out, err = run_cli(capsys, "post", "")

    assert exit_code == 2
    assert_one_error_line(err)


def test_post_with_plain_http_api_base_url_exits_2(
    capsys, monkeypatch, credentials_in_env, x_api
):
    monkeypatch.setenv("TWITTER_API_BASE_URL", "http://example.com")

    exit_code, out, err = run_cli(capsys, "post", "hi")

    assert exit_code == 2
    assert_one_error_line(err)
    assert len(x_api.calls) == 0


# --- whoami -------------------------------------------------------------------


def test_whoami_prints_the_username_after_one_request(
    capsys, credentials_in_env, x_api
):
    x_api.get(USERS_ME_URL, json=ME, status=200, headers={"x-rate-limit-limit": "75"})

    exit_code, out, err = run_cli(capsys, "whoami")

    assert exit_code == 0
    assert out == "@TweepyDev\n"
    assert len(x_api.calls) == 1


def test_whoami_with_rejected_credentials_exits_1(capsys, credentials_in_env, x_api):
    x_api.get(USERS_ME_URL, json=UNAUTHORIZED, status=401)

    exit_code, out, err = run_cli(capsys, "whoami")

    assert exit_code == 1
    assert_one_error_line(err)


def test_whoami_on_an_answer_without_a_username_exits_1_with_one_line(
    capsys, credentials_in_env, x_api
):
    x_api.get(USERS_ME_URL, json={"data": {"id": "1072250532645998596"}})

    exit_code, out, err = run_cli(capsys, "whoami")

    assert exit_code == 1
    assert out == ""
    assert_one_error_line(err)
    assert "X's answer to GET /2/users/me made no sense" in err


@pytest.mark.parametrize(
    "answer",
    [{"body": "<html>Created</html>"}, {"json": {"errors": [{"message": "?"}]}}],
    ids=["not-json", "no-data"],
)
def test_post_on_an_accepted_answer_without_an_id_exits_1_and_is_not_retried(
    capsys, credentials_in_env, x_api, answer
):
    x_api.post(TWEETS_URL, status=201, **answer)

    exit_code, out, err = run_cli(capsys, "post", "hi")

    assert exit_code == 1
    assert out == ""
    assert_one_error_line(err)
    assert "the post may have been made" in err
    assert len(x_api.calls) == 1


# --- usage --------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [[], ["fly"], ["post", "--no-such-option", "hi"]],
    ids=["no-command", "unknown-command", "unknown-option"],
)
def test_bad_usage_exits_2(capsys, args):
    with pytest.raises(SystemExit) as caught:
        cli.main(args)

    assert caught.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_help_runs_without_importing_tweepy_or_requests():
    """``python -m <package> --help`` answers at once: the HTTP libraries are
    slow to load, so they are loaded only when a request is made."""
    exit_code, out, imported = modules_imported_by("-m", cli.__package__, "--help")

    assert exit_code == 0
    assert "usage:" in out
    assert "post" in out
    assert "tweepy" not in imported
    assert "requests" not in imported
    assert "puremagic" not in imported  # loaded when a post has media
