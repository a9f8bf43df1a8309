"""The command line: what a user sees on stdout and stderr, and the exit code."""

import io
import json
import subprocess
import sys

import pytest
import requests
from cli_helpers import assert_one_error_line, run_cli
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

from {{ cookiecutter.package_name }} import (
    cli,
)

# --- post ---------------------------------------------------------------------


def test_post_dry_run_succeeds_without_sending(capsys, credentials_in_env, x_api):
    exit_code, out, err = run_cli(capsys, "post", "--dry-run", "hi")

    assert exit_code == 0
    assert out
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
    capsys, monkeypatch, credentials_in_env, x_api
):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Hello from a pipe\n"))
    x_api.post(TWEETS_URL, json=CREATED, status=201)

    exit_code, out, err = run_cli(capsys, "post", "-")

    assert exit_code == 0
    assert json.loads(x_api.calls[0].request.body) == {"text": "Hello from a pipe"}


def test_post_with_env_file(capsys, tmp_path, x_api):
    env_file = tmp_path / "bots" / "acme.env"
    env_file.parent.mkdir()
    env_file.write_text(
        "".join(f"{name}={value}\n" for name, value in FAKE_CREDENTIALS.items()),
        encoding="utf-8",
    )

    exit_code, out, err = run_cli(
        capsys, "post", "--dry-run", "--env-file", str(env_file), "hi"
    )

    assert exit_code == 0


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
    for secret in FAKE_CREDENTIALS.values():
        assert secret not in err


def test_post_without_network_exits_1_with_one_line(capsys, credentials_in_env, x_api):
    x_api.post(TWEETS_URL, body=requests.ConnectionError("connection refused"))

    exit_code, out, err = run_cli(capsys, "post", "hi")

    assert exit_code == 1
    assert_one_error_line(err)


def test_post_without_credentials_exits_2(capsys, x_api):
    exit_code, out, err = run_cli(capsys, "post", "hi")

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


def test_whoami_prints_the_username(capsys, credentials_in_env, x_api):
    x_api.get(USERS_ME_URL, json=ME, status=200, headers={"x-rate-limit-limit": "75"})

    exit_code, out, err = run_cli(capsys, "whoami")

    assert exit_code == 0
    assert out == "@TweepyDev\n"


def test_whoami_makes_one_request(capsys, credentials_in_env, x_api):
    x_api.get(USERS_ME_URL, json=ME, status=200)

    run_cli(capsys, "whoami")

    assert len(x_api.calls) == 1
    assert x_api.calls[0].request.method == "GET"


def test_whoami_with_rejected_credentials_exits_1(capsys, credentials_in_env, x_api):
    x_api.get(USERS_ME_URL, json=UNAUTHORIZED, status=401)

    exit_code, out, err = run_cli(capsys, "whoami")

    assert exit_code == 1
    assert_one_error_line(err)


def test_whoami_without_credentials_exits_2(capsys, x_api):
    exit_code, out, err = run_cli(capsys, "whoami")

    assert exit_code == 2
    assert_one_error_line(err)


# --- usage --------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [[], ["fly"], ["post"], ["post", "--no-such-option", "hi"]],
    ids=["no-command", "unknown-command", "post-without-text", "unknown-option"],
)
def test_bad_usage_exits_2(capsys, args):
    with pytest.raises(SystemExit) as caught:
        cli.main(args)

    assert caught.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_help_runs_without_importing_tweepy():
    """``python -m <package> --help`` works, and stays fast by not loading tweepy.

    ``-X importtime`` makes Python list every module it imports on stderr.
    """
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-X", "importtime", "-m", cli.__package__, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    imported = [line.split("|")[-1].strip() for line in result.stderr.splitlines()]
    assert result.returncode == 0
    assert "usage:" in result.stdout
    assert "post" in result.stdout
    assert "tweepy" not in imported
