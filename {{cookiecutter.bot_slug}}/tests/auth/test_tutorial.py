"""``auth --import tw.json``: the seed tutorial's credentials, checked and moved to .env."""

import json
import os

import pytest
from dotenv import dotenv_values
from fake_x import FAKE_CREDENTIALS, ME, UNAUTHORIZED, USERS_ME_URL
from helpers import assert_one_error_line, lines, mode_of, run_cli

from {{ cookiecutter.package_name }} import cli

# tw.json as the tutorial writes it, with the fake credentials.
TUTORIAL_VALUES = {
    "consumer_key": FAKE_CREDENTIALS["TWITTER_CONSUMER_KEY"],
    "consumer_secret": FAKE_CREDENTIALS["TWITTER_CONSUMER_SECRET"],
    "access_token": FAKE_CREDENTIALS["TWITTER_ACCESS_TOKEN"],
    "access_token_secret": FAKE_CREDENTIALS["TWITTER_ACCESS_TOKEN_SECRET"],
}
JSON_FORM = json.dumps(TUTORIAL_VALUES, indent=2)
# The form the tutorial warns about: a Python dict, with single quotes.
SINGLE_QUOTED_FORM = repr(TUTORIAL_VALUES)


@pytest.fixture
def x_knows_the_account(x_api):
    x_api.get(USERS_ME_URL, json=ME, headers={"x-access-level": "read-write"})
    return x_api


def write_tw_json(folder, text):
    path = folder / "tw.json"
    path.write_text(text, encoding="utf-8")
    return path


def run_import(capsys, path="tw.json"):
    """Run ``auth --import``; return (exit code, stdout, stderr)."""
    return run_cli(capsys, "auth", "--import", str(path))


@pytest.mark.parametrize(
    "text", [JSON_FORM, SINGLE_QUOTED_FORM], ids=["json", "single-quoted"]
)
def test_import_writes_the_four_values_to_env(
    capsys, isolated, stdin, x_knows_the_account, text
):
    write_tw_json(isolated, text)

    exit_code, out, _ = run_import(capsys)

    assert exit_code == 0
    assert "@TweepyDev" in out
    assert dotenv_values(isolated / ".env") == FAKE_CREDENTIALS


def test_import_confirms_the_account_with_one_request(
    capsys, isolated, stdin, x_knows_the_account
):
    write_tw_json(isolated, JSON_FORM)

    run_import(capsys)

    assert len(x_knows_the_account.calls) == 1
    assert x_knows_the_account.calls[0].request.url == USERS_ME_URL


@pytest.mark.skipif(os.name == "nt", reason="Windows has no file modes")
def test_imported_env_file_is_private(capsys, isolated, stdin, x_knows_the_account):
    write_tw_json(isolated, JSON_FORM)

    run_import(capsys)

    assert mode_of(isolated / ".env") == 0o600


def test_import_keeps_other_lines_of_env(capsys, isolated, stdin, x_knows_the_account):
    (isolated / ".env").write_text(lines("# my bot", "SCHEDULE=daily"))
    write_tw_json(isolated, JSON_FORM)

    run_import(capsys)

    text = (isolated / ".env").read_text()
    assert text.startswith(lines("# my bot", "SCHEDULE=daily"))
    assert dotenv_values(isolated / ".env")["TWITTER_ACCESS_TOKEN"] == (
        "fake-access-token"
    )


def test_import_deletes_the_old_file_when_asked(
    capsys, isolated, stdin, x_knows_the_account
):
    tw_json = write_tw_json(isolated, JSON_FORM)
    stdin("y\n")

    _, out, _ = run_import(capsys)

    assert not tw_json.exists()
    assert "Deleted" in out


@pytest.mark.parametrize("typed", ["\n", "n\n", ""], ids=["enter", "no", "eof"])
def test_import_keeps_the_old_file_otherwise(
    capsys, isolated, stdin, x_knows_the_account, typed
):
    tw_json = write_tw_json(isolated, JSON_FORM)
    stdin(typed)

    exit_code, out, _ = run_import(capsys)

    assert exit_code == 0
    assert tw_json.exists()
    assert "Kept" in out


def test_rejected_credentials_exit_1_and_write_nothing(capsys, isolated, x_api):
    x_api.get(USERS_ME_URL, json=UNAUTHORIZED, status=401)
    tw_json = write_tw_json(isolated, JSON_FORM)

    exit_code, _, err = run_import(capsys)

    assert exit_code == 1
    assert_one_error_line(err)
    assert "rejected" in err
    assert not (isolated / ".env").exists()
    assert tw_json.exists()


@pytest.mark.parametrize(
    "encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]
)
def test_import_reads_tw_json_as_windows_editors_save_it(
    capsys, isolated, stdin, x_knows_the_account, encoding
):
    (isolated / "tw.json").write_bytes(JSON_FORM.encode(encoding))

    exit_code, _, err = run_import(capsys)

    assert exit_code == 0, err
    assert dotenv_values(isolated / ".env") == FAKE_CREDENTIALS


@pytest.mark.parametrize("kind", ["fifo", "folder", "too-large"])
def test_import_of_something_that_is_not_tw_json_exits_2_at_once(
    capsys, isolated, x_api, kind
):
    tw_json = isolated / "tw.json"
    if kind == "fifo":
        os.mkfifo(tw_json)  # reading it would wait for a writer for ever
    elif kind == "folder":
        tw_json.mkdir()
    else:
        tw_json.write_bytes(b" " * 10_000_000)

    exit_code, _, err = run_import(capsys)

    assert exit_code == 2
    assert_one_error_line(err)
    assert len(x_api.calls) == 0


def test_tw_json_that_cannot_be_deleted_is_said_and_the_import_still_succeeds(
    capsys, isolated, stdin, x_knows_the_account, monkeypatch
):
    tw_json = write_tw_json(isolated, JSON_FORM)
    stdin("y\n")

    def refuse(path, missing_ok=False):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(tw_json), "unlink", refuse)

    exit_code, out, err = run_import(capsys)

    assert exit_code == 0
    assert err == ""
    assert "Could not delete" in out
    assert "Permission denied" in out
    assert dotenv_values(isolated / ".env") == FAKE_CREDENTIALS


# --- bad input: one line, exit 2, no request, no secret --------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"consumer_key": "fake-consumer-key", "consumer_secret": }',
        "consumer_key = fake-consumer-key",
        "",
    ],
    ids=["broken-json", "not-json-at-all", "empty"],
)
def test_malformed_file_exits_2_with_one_line(capsys, isolated, x_api, text):
    write_tw_json(isolated, text)

    exit_code, _, err = run_import(capsys)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "tw.json is not JSON" in err
    assert "line 1" in err
    assert len(x_api.calls) == 0


@pytest.mark.parametrize("opening", ["[", '{"a": '], ids=["lists", "objects"])
def test_deeply_nested_file_exits_2_with_one_line(capsys, isolated, x_api, opening):
    write_tw_json(isolated, opening * 100_000)

    exit_code, _, err = run_import(capsys)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "tw.json" in err
    assert len(x_api.calls) == 0


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        (
            {k: v for k, v in TUTORIAL_VALUES.items() if k != "access_token_secret"},
            "access_token_secret",
        ),
        ({**TUTORIAL_VALUES, "access_token": " "}, "access_token"),
    ],
    ids=["missing-key", "empty-value"],
)
def test_missing_or_empty_value_exits_2_naming_it(
    capsys, isolated, x_api, values, missing
):
    write_tw_json(isolated, json.dumps(values))

    exit_code, _, err = run_import(capsys)

    assert exit_code == 2
    assert_one_error_line(err)
    assert f"lacks {missing}:" in err


def test_not_an_object_exits_2(capsys, isolated, x_api):
    write_tw_json(isolated, json.dumps(list(TUTORIAL_VALUES.values())))

    exit_code, _, err = run_import(capsys)

    assert exit_code == 2
    assert_one_error_line(err)
    assert "no JSON object" in err


def test_missing_file_exits_2_with_one_line(capsys, isolated, x_api):
    exit_code, _, err = run_import(capsys, isolated / "nowhere" / "tw.json")

    assert exit_code == 2
    assert_one_error_line(err)
    assert "no such file" in err


def test_import_and_new_app_keys_together_are_bad_usage(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["auth", "--import", "tw.json", "--new-app-keys"])

    assert caught.value.code == 2
    assert "not allowed with" in capsys.readouterr().err
