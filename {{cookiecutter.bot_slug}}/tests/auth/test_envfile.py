"""Saving credentials to .env: in place, atomically, readable by its owner only."""

import os
import stat

import pytest
from dotenv import dotenv_values
from fake_x import FAKE_CREDENTIALS
from helpers import lines, mode_of

from {{ cookiecutter.package_name }} import (
    ConfigError,
)
from {{ cookiecutter.package_name }}.auth.envfile import (
    check_writable,
    update_env_file,
)
from {{ cookiecutter.package_name }}.credentials import (
    load_settings,
)

NEW_TOKEN = {"TWITTER_ACCESS_TOKEN": "fake-new-access-token"}


@pytest.fixture
def env_file(tmp_path):
    """Where .env goes in the test's own folder (it does not exist yet)."""
    return tmp_path / ".env"


def temporary_files(folder):
    """Leftovers of a write: the temporary files update_env_file makes."""
    return sorted(folder.glob(".env.*.tmp"))


# --- A new file -----------------------------------------------------------------


def test_creates_the_file_with_the_values(env_file):
    update_env_file(env_file, FAKE_CREDENTIALS)

    assert dotenv_values(env_file) == FAKE_CREDENTIALS


def test_new_file_is_readable_by_its_owner_only(env_file):
    update_env_file(env_file, FAKE_CREDENTIALS)

    assert mode_of(env_file) == 0o600


def test_values_are_written_one_per_line(env_file):
    update_env_file(env_file, FAKE_CREDENTIALS)

    assert env_file.read_text(encoding="utf-8") == lines(
        "TWITTER_CONSUMER_KEY=fake-consumer-key",
        "TWITTER_CONSUMER_SECRET=fake-consumer-secret",
        "TWITTER_ACCESS_TOKEN=fake-access-token",
        "TWITTER_ACCESS_TOKEN_SECRET=fake-access-token-secret",
    )


@pytest.mark.parametrize(
    "value",
    [
        "fake secret with spaces",
        " fake-padded-secret ",
        'fake-"double"-quotes',
        "fake-'single'-quotes",
        "fake#not-a-comment",
        "#fake-starts-like-a-comment",
        "fake$dollar",
        "fake$HOME",
        "fake\\back\\slashes",
        "fake-ends-with-a-backslash\\",
        "fake\\n-is-not-a-newline",
        "fake=equals=signs",
        "fake-ünïcödé",
    ],
)
def test_awkward_values_read_back_exactly(env_file, value):
    update_env_file(env_file, {"TWITTER_CONSUMER_SECRET": value})

    assert dotenv_values(env_file) == {"TWITTER_CONSUMER_SECRET": value}


def test_value_that_looks_like_a_variable_is_read_back_by_the_bot_as_is(env_file):
    """``${HOME}`` in a secret must stay ``${HOME}``, not become the home folder."""
    update_env_file(env_file, {"TWITTER_CONSUMER_SECRET": "fake-${HOME}-secret"})

    settings = load_settings(env_file, environ={})

    assert settings.values["TWITTER_CONSUMER_SECRET"] == "fake-${HOME}-secret"


# --- An existing file -----------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            [
                "# Acme Bot settings",
                "LOG_LEVEL=debug",
                "",
                "# the sandbox",
                "SANDBOX_PORT=8765",
            ],
            [
                "# Acme Bot settings",
                "LOG_LEVEL=debug",
                "",
                "# the sandbox",
                "SANDBOX_PORT=8765",
                "TWITTER_ACCESS_TOKEN=fake-new-access-token",
            ],
            id="other-lines-and-comments-kept-in-order",
        ),
        pytest.param(
            [
                "TWITTER_CONSUMER_KEY=fake-consumer-key",
                "TWITTER_ACCESS_TOKEN=fake-old-access-token",
                "LOG_LEVEL=debug",
            ],
            [
                "TWITTER_CONSUMER_KEY=fake-consumer-key",
                "TWITTER_ACCESS_TOKEN=fake-new-access-token",
                "LOG_LEVEL=debug",
            ],
            id="assignment-replaced-in-place",
        ),
        pytest.param(
            [
                "TWITTER_ACCESS_TOKEN=fake-old-access-token",
                "LOG_LEVEL=debug",
                "TWITTER_ACCESS_TOKEN=fake-older-access-token",
            ],
            [
                "TWITTER_ACCESS_TOKEN=fake-new-access-token",
                "LOG_LEVEL=debug",
            ],
            id="repeated-name-collapses-to-one-assignment",
        ),
    ],
)
def test_existing_file_is_updated_in_place(env_file, before, after):
    env_file.write_text(lines(*before), encoding="utf-8")

    update_env_file(env_file, NEW_TOKEN)

    assert env_file.read_text(encoding="utf-8") == lines(*after)


def test_export_form_is_replaced_in_place(env_file):
    env_file.write_text(
        lines(
            "export TWITTER_CONSUMER_KEY=fake-consumer-key",
            "export TWITTER_ACCESS_TOKEN=fake-old-access-token",
            "export LOG_LEVEL=debug",
        ),
        encoding="utf-8",
    )

    update_env_file(env_file, NEW_TOKEN)

    first, second, third = env_file.read_text(encoding="utf-8").splitlines()
    assert first == "export TWITTER_CONSUMER_KEY=fake-consumer-key"
    assert second.endswith("TWITTER_ACCESS_TOKEN=fake-new-access-token")
    assert third == "export LOG_LEVEL=debug"


def test_world_readable_file_ends_up_private(env_file):
    env_file.write_text("LOG_LEVEL=debug\n", encoding="utf-8")
    env_file.chmod(0o644)

    update_env_file(env_file, NEW_TOKEN)

    assert mode_of(env_file) == 0o600


def test_no_temporary_file_is_left_behind(env_file, tmp_path):
    update_env_file(env_file, FAKE_CREDENTIALS)
    update_env_file(env_file, NEW_TOKEN)

    assert temporary_files(tmp_path) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == [".env"]


def test_writing_through_a_symlink_updates_the_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "secrets" / "acme.env"
    target.parent.mkdir()
    target.write_text("LOG_LEVEL=debug\n", encoding="utf-8")
    link = tmp_path / ".env"
    link.symlink_to(target)

    update_env_file(link, NEW_TOKEN)

    assert link.is_symlink()
    assert link.resolve() == target.resolve()
    assert dotenv_values(target) == {"LOG_LEVEL": "debug", **NEW_TOKEN}
    assert mode_of(target) == 0o600


# --- When something goes wrong --------------------------------------------------


@pytest.fixture
def replace_fails(monkeypatch):
    """The last step of a write (renaming the new file over .env) fails."""

    def fail(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)


OLD_CONTENT = lines("# keep me", "TWITTER_ACCESS_TOKEN=fake-old-access-token")


def test_failed_write_leaves_the_old_file_as_it_was_and_no_temporary_file(
    env_file, tmp_path, replace_fails
):
    env_file.write_text(OLD_CONTENT, encoding="utf-8")

    with pytest.raises(ConfigError):
        update_env_file(env_file, NEW_TOKEN)

    assert env_file.read_text(encoding="utf-8") == OLD_CONTENT
    assert temporary_files(tmp_path) == []


def test_failed_write_says_which_file_and_shows_no_value(env_file, replace_fails):
    with pytest.raises(ConfigError) as caught:
        update_env_file(env_file, FAKE_CREDENTIALS)

    message = str(caught.value)
    assert str(env_file) in message
    for value in FAKE_CREDENTIALS.values():
        assert value not in message


def test_file_that_is_not_utf8_raises_config_error_and_is_left_as_it_was(env_file):
    old_bytes = b"# caf\xe9 (Latin-1, not UTF-8)\nLOG_LEVEL=debug\n"
    env_file.write_bytes(old_bytes)

    with pytest.raises(ConfigError) as caught:
        update_env_file(env_file, NEW_TOKEN)

    assert str(env_file) in str(caught.value)
    assert env_file.read_bytes() == old_bytes


def test_folder_named_env_raises_config_error_and_is_left_as_it_was(env_file):
    env_file.mkdir()
    (env_file / "notes.txt").write_text("not a .env file\n", encoding="utf-8")

    with pytest.raises(ConfigError):
        update_env_file(env_file, NEW_TOKEN)

    assert [path.name for path in env_file.iterdir()] == ["notes.txt"]


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root can read any file, whatever its mode",
)
def test_unreadable_file_raises_config_error_and_is_left_as_it_was(env_file):
    env_file.write_text(OLD_CONTENT, encoding="utf-8")
    env_file.chmod(0o000)

    try:
        with pytest.raises(ConfigError):
            update_env_file(env_file, NEW_TOKEN)
    finally:
        env_file.chmod(0o600)

    assert env_file.read_text(encoding="utf-8") == OLD_CONTENT


# --- Every other byte survives ---------------------------------------------------

OLD = "TWITTER_ACCESS_TOKEN=fake-old-access-token"
NEW = "TWITTER_ACCESS_TOKEN=fake-new-access-token"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f"\ufeff{OLD}\nLOG_LEVEL=debug\n",
            f"\ufeff{NEW}\nLOG_LEVEL=debug\n",
            id="byte-order-mark",
        ),
        pytest.param(
            f"LOG_LEVEL=debug\r\n{OLD}\r\n# done\r\n",
            f"LOG_LEVEL=debug\r\n{NEW}\r\n# done\r\n",
            id="crlf-line-endings",
        ),
        pytest.param(
            f"NOTE=one\u2028{OLD}-in-a-note\n{OLD}\n",
            f"NOTE=one\u2028{OLD}-in-a-note\n{NEW}\n",
            id="line-separator-inside-a-value",
        ),
        pytest.param(
            f'NOTE="one\r{OLD}-in-a-note"\n{OLD}\n',
            f'NOTE="one\r{OLD}-in-a-note"\n{NEW}\n',
            id="carriage-return-inside-a-quoted-value",
        ),
        pytest.param(
            f'CERT="line 1\n{OLD}-in-a-cert\nline 3"\n{OLD}\n',
            f'CERT="line 1\n{OLD}-in-a-cert\nline 3"\n{NEW}\n',
            id="value-spanning-lines",
        ),
        pytest.param(
            f"\n\n  {OLD}  # last week's\nLOG_LEVEL=debug",
            f"\n\n  {NEW}\nLOG_LEVEL=debug",
            id="blank-lines-indent-comment-no-final-newline",
        ),
        pytest.param(
            "LOG_LEVEL=debug",
            f"LOG_LEVEL=debug\n{NEW}\n",
            id="appended-after-a-last-line-without-newline",
        ),
    ],
)
def test_every_other_byte_survives(env_file, before, after):
    env_file.write_bytes(before.encode("utf-8"))

    update_env_file(env_file, NEW_TOKEN)

    assert env_file.read_bytes() == after.encode("utf-8")


def test_byte_order_mark_is_not_part_of_the_first_name(env_file):
    env_file.write_bytes("\ufeffTWITTER_CONSUMER_KEY=fake-consumer-key\n".encode())

    assert load_settings(env_file).values["TWITTER_CONSUMER_KEY"] == "fake-consumer-key"


# --- Never anything but a regular file -------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "symlink-to-a-fifo", "dangling-symlink"])
def test_target_that_is_not_a_regular_file_is_refused_and_left_alone(env_file, kind):
    fifo = env_file.with_name("fifo")
    if kind == "fifo":
        os.mkfifo(env_file)
    elif kind == "symlink-to-a-fifo":
        os.mkfifo(fifo)
        env_file.symlink_to(fifo)
    else:
        env_file.symlink_to(env_file.with_name("gone"))

    with pytest.raises(ConfigError) as caught:
        update_env_file(env_file, NEW_TOKEN)

    assert str(env_file) in str(caught.value)
    assert not os.path.lexists(env_file.with_name("gone"))
    for path in (env_file, fifo):
        if os.path.exists(path):
            assert stat.S_ISFIFO(os.stat(path).st_mode)
    assert temporary_files(env_file.parent) == []


# --- Checked before the PIN flow --------------------------------------------------


def test_check_writable_passes_for_a_new_file_and_writes_nothing(env_file):
    check_writable(env_file)

    assert list(env_file.parent.iterdir()) == []


@pytest.mark.parametrize("problem", ["missing-folder", "not-utf8", "fifo"])
def test_check_writable_refuses_what_update_would_fail_on(tmp_path, problem):
    env_file = tmp_path / ".env"
    if problem == "missing-folder":
        env_file = tmp_path / "gone" / ".env"
    elif problem == "not-utf8":
        env_file.write_bytes(b"TWITTER_CONSUMER_KEY=caf\xe9\n")
    else:
        os.mkfifo(env_file)

    with pytest.raises(ConfigError) as caught:
        check_writable(env_file)

    assert str(env_file) in str(caught.value)
