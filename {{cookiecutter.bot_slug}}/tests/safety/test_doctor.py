"""``doctor``: each check passes on a sound layout and fails, with its fix, on a broken one."""

import errno
import os
import signal
from pathlib import Path

import pytest
from fake_x import FAKE_CREDENTIALS, ME, UNAUTHORIZED, USERS_ME_URL
from git_helpers import (
    LINE_BEFORE,
    UNICODE_SPELLINGS,
    commit,
    git,
    init_repo,
    needs_git,
    run_git,
    spelled,
    stage,
)
from helpers import assert_one_error_line, mode_of, run_cli, write_env_file

from {{ cookiecutter.package_name }}.credentials import COMMAND
from {{ cookiecutter.package_name }}.safety import gitrepo

ACCESS_TOKEN_SECRET = FAKE_CREDENTIALS["TWITTER_ACCESS_TOKEN_SECRET"]
NAMED_SECRET = "<TWITTER_ACCESS_TOKEN_SECRET>"  # how a path holding it is shown
needs_modes = pytest.mark.skipif(os.name == "nt", reason="Windows has no file modes")


@pytest.fixture
def repo(isolated):
    """The current folder as a git repository with the project's .gitignore."""
    return init_repo(isolated)


@pytest.fixture
def x_says(x_api):
    """``x_says(access_level)``: X answers GET /2/users/me with that header."""

    def answer(access_level="read-write", status=200, body=ME):
        headers = {"x-access-level": access_level} if access_level else {}
        x_api.get(USERS_ME_URL, json=body, status=status, headers=headers)
        return x_api

    return answer


def run_doctor(capsys, *args):
    """Run ``doctor``; return (exit code, stdout, stderr)."""
    return run_cli(capsys, "doctor", *args)


def line_with(out, words):
    """The one output line that contains ``words``."""
    lines = [line for line in out.splitlines() if words in line]
    assert len(lines) == 1, out
    return lines[0]


# --- a sound layout -------------------------------------------------------------


@needs_git
def test_sound_layout_is_all_ok_and_exits_0(
    capsys, repo, credentials_in_dotenv, x_says
):
    x_api = x_says("read-write")

    exit_code, out, err = run_doctor(capsys)

    assert exit_code == 0
    assert err == ""
    assert "FAIL" not in out
    assert out.splitlines()[-1] == "All is well."
    assert [(call.request.method, call.request.url) for call in x_api.calls] == [
        ("GET", USERS_ME_URL)
    ]


@needs_git
@pytest.mark.parametrize(
    "words",
    [
        ".env has the four credentials",
        pytest.param(".env is private (mode 0600)", marks=needs_modes),
        ".env, .env.* and tw.json are ignored by git and not tracked",
        "no credential value in a tracked file",
        "no credential value anywhere in the git history",
        "requests go to X (https://api.x.com)",
        "X accepts the credentials of @TweepyDev, who may post",
    ],
    ids=[
        "four-credentials",
        "private",
        "ignored",
        "no-value-in-tracked-files",
        "no-value-in-history",
        "https-api-root",
        "token-may-post",
    ],
)
def test_each_check_of_a_sound_layout_says_ok(
    capsys, repo, credentials_in_dotenv, x_says, words
):
    x_says("read-write")

    _, out, _ = run_doctor(capsys)

    assert line_with(out, words).startswith("ok")


# --- .env and its four names ------------------------------------------------------


def test_env_file_missing_a_name_fails_naming_it(capsys, isolated):
    values = dict(FAKE_CREDENTIALS)
    del values["TWITTER_ACCESS_TOKEN_SECRET"]
    write_env_file(isolated / ".env", values)

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, "lacks")
    assert line.startswith("FAIL")
    assert "TWITTER_ACCESS_TOKEN_SECRET" in line
    assert f"`{COMMAND} auth`" in line
    assert exit_code == 1


def test_no_env_file_fails_saying_how_to_write_it(capsys):
    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, "no .env")
    assert line.startswith("FAIL")
    assert f"`{COMMAND} auth`" in line
    assert exit_code == 1


def test_no_env_file_is_ok_when_the_environment_has_all_four(
    capsys, credentials_in_env, x_says
):
    x_says()

    _, out, _ = run_doctor(capsys)

    assert line_with(out, "no .env").startswith("ok")


def test_missing_env_file_given_exits_2_with_one_line(capsys):
    exit_code, out, err = run_doctor(capsys, "--env-file", "nowhere.env")

    assert exit_code == 2
    assert out == ""
    assert_one_error_line(err)


# --- the mode of .env ---------------------------------------------------------------


@needs_modes
def test_world_readable_env_file_fails_with_the_fix(capsys, isolated, x_says):
    env_file = write_env_file(isolated / ".env", mode=0o644)
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, "mode 0644")
    assert line.startswith("FAIL")
    assert "`chmod 600 .env`" in line
    assert f"`{COMMAND} doctor --fix`" in line
    assert mode_of(env_file) == 0o644  # not changed
    assert exit_code == 1


@needs_modes
def test_fix_makes_env_file_private(capsys, isolated, x_says):
    env_file = write_env_file(isolated / ".env", mode=0o644)
    x_says()

    exit_code, out, _ = run_doctor(capsys, "--fix")

    assert mode_of(env_file) == 0o600
    assert line_with(out, "now 0600").startswith("ok")
    assert exit_code == 0


@needs_modes
@pytest.mark.parametrize(
    "error",
    [
        PermissionError(errno.EPERM, "Operation not permitted"),
        OSError(errno.EROFS, "Read-only file system"),
    ],
    ids=["another-users-file", "read-only-disk"],
)
def test_fix_that_cannot_change_the_mode_fails_with_one_line(
    capsys, monkeypatch, isolated, x_says, error
):
    write_env_file(isolated / ".env", mode=0o644)
    x_says()

    def refuse(path, mode):
        raise error

    monkeypatch.setattr(Path, "chmod", refuse)

    exit_code, out, err = run_doctor(capsys, "--fix")

    line = line_with(out, "mode 0644")
    assert line.startswith("FAIL")
    assert f"({error.strerror})" in line
    assert "`chmod 600 .env` as the file's owner" in line
    assert err == ""
    assert exit_code == 1


# --- .env, .env.* and tw.json ignored and not tracked -------------------------------


@needs_git
def test_env_file_not_ignored_fails_with_the_line_to_add(
    capsys, repo, credentials_in_dotenv, x_says
):
    commit(repo, {".gitignore": "__pycache__/\n"}, "Lose the .env rules")
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, ".env is not ignored")
    assert line.startswith("FAIL")
    assert "add the line `.env`" in line
    assert exit_code == 1


@needs_git
def test_other_env_files_not_ignored_fail(capsys, repo, credentials_in_dotenv, x_says):
    commit(repo, {".gitignore": ".env\ntw.json\n"}, "Only .env")
    (repo / ".env.production").write_text("TWITTER_ACCESS_TOKEN=\n")
    x_says()

    _, out, _ = run_doctor(capsys)

    line = line_with(out, ".env.production is not ignored")
    assert line.startswith("FAIL")
    assert "`.env.*`" in line


@needs_git
def test_tracked_env_file_fails_with_git_rm_cached(capsys, repo, x_says):
    commit(repo, {".env": "TWITTER_CONSUMER_KEY=\n"}, "Oops")
    write_env_file(repo / ".env")
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, ".env is tracked")
    assert line.startswith("FAIL")
    assert "`git rm --cached .env`" in line
    assert exit_code == 1


@needs_git
def test_tracked_tw_json_fails(capsys, repo, credentials_in_dotenv, x_says):
    commit(repo, {"tw.json": "{}"}, "The tutorial's file")
    x_says()

    _, out, _ = run_doctor(capsys)

    assert line_with(out, "tw.json is tracked").startswith("FAIL")


# --- credential values in tracked files and in the history ----------------------------


@needs_git
def test_value_in_a_tracked_file_fails_naming_file_line_and_variable(
    capsys, repo, credentials_in_dotenv, x_says
):
    stage(repo, "notes.md", "hello\n")
    (repo / "notes.md").write_text(f"hello\nsecret = '{ACCESS_TOKEN_SECRET}'\n")
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, "notes.md:2")
    assert line.startswith("FAIL")
    # The secret contains the token's value; only the secret is named.
    assert line.endswith("(README: If your credentials leak)")
    assert "TWITTER_ACCESS_TOKEN_SECRET" in line
    assert "TWITTER_ACCESS_TOKEN " not in out
    assert exit_code == 1


@needs_git
def test_value_removed_but_still_in_history_fails_naming_the_commit(
    capsys, repo, credentials_in_dotenv, x_says
):
    leaked_in = commit(repo, {"config.py": f"TOKEN = '{ACCESS_TOKEN_SECRET}'\n"})
    commit(repo, {"config.py": "import os\n"}, "Take the secret out")
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    assert line_with(out, "in a tracked file").startswith("ok")
    line = line_with(out, "git history: added to config.py")
    assert line.startswith("FAIL")
    assert f"in commit {leaked_in}" in line
    assert "TWITTER_ACCESS_TOKEN_SECRET" in line
    assert "Rewriting the history is not enough" in line
    assert exit_code == 1


@needs_git
def test_history_of_other_branches_is_searched(
    capsys, repo, credentials_in_dotenv, x_says
):
    git(repo, "switch", "--quiet", "--create", "experiment")
    leaked_in = commit(repo, {"try.py": FAKE_CREDENTIALS["TWITTER_CONSUMER_KEY"]})
    git(repo, "switch", "--quiet", "-")
    x_says()

    _, out, _ = run_doctor(capsys)

    line = line_with(out, "git history: added to try.py")
    assert f"in commit {leaked_in}" in line
    assert "TWITTER_CONSUMER_KEY" in line


@needs_git
@pytest.mark.parametrize(("encoding", "bom"), UNICODE_SPELLINGS)
def test_a_value_in_any_unicode_encoding_is_found(
    capsys, repo, credentials_in_dotenv, x_says, encoding, bom
):
    text = f"{LINE_BEFORE}\ntoken secret: {ACCESS_TOKEN_SECRET}\n"
    leaked_in = commit(repo, {"notes.txt": spelled(text, encoding, bom)})
    x_says()

    _, out, _ = run_doctor(capsys)

    assert line_with(out, "notes.txt:2 holds the value of").startswith("FAIL")
    line = line_with(out, "git history: added to notes.txt")
    assert f"in commit {leaked_in}" in line
    assert "TWITTER_ACCESS_TOKEN_SECRET" in line


@needs_git
@pytest.mark.parametrize(
    "path",
    [f"{ACCESS_TOKEN_SECRET}.txt", f"keys/{ACCESS_TOKEN_SECRET}/notes.md"],
    ids=["file", "folder"],
)
def test_a_value_in_a_path_is_named_never_shown(
    capsys, repo, credentials_in_dotenv, x_says, path
):
    leaked_in = commit(repo, {path: ""}, "Add an empty file")
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    shown = path.replace(ACCESS_TOKEN_SECRET, NAMED_SECRET)
    line = line_with(out, f"{shown}: its name contains the value of")
    assert line.startswith("FAIL")
    assert "TWITTER_ACCESS_TOKEN_SECRET" in line
    line = line_with(out, f"git history: in the name of {shown} in commit")
    assert f"in commit {leaked_in}" in line
    assert exit_code == 1


@needs_git
def test_a_path_removed_but_still_in_history_fails(
    capsys, repo, credentials_in_dotenv, x_says
):
    leaked_in = commit(repo, {f"{ACCESS_TOKEN_SECRET}.txt": "hello\n"})
    git(repo, "rm", "--quiet", f"{ACCESS_TOKEN_SECRET}.txt")
    git(repo, "commit", "--quiet", "--message", "Remove it")
    x_says()

    _, out, _ = run_doctor(capsys)

    assert line_with(out, "in a tracked file").startswith("ok")
    line = line_with(out, f"in the name of {NAMED_SECRET}.txt in commit")
    assert f"in commit {leaked_in} and 1 later" in line


@needs_git
@pytest.mark.parametrize(
    "message",
    [
        f"Add {ACCESS_TOKEN_SECRET}",
        f"Add notes\n\nThe token secret is {ACCESS_TOKEN_SECRET}.",
    ],
    ids=["subject", "body"],
)
def test_a_value_in_a_commit_message_fails_naming_the_commit(
    capsys, repo, credentials_in_dotenv, x_says, message
):
    leaked_in = commit(repo, {"notes.md": "hello\n"}, message)
    commit(repo, {"notes.md": "hello again\n"}, "A later commit")
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, "git history: in the message of commit")
    assert line.startswith("FAIL")
    assert f"in the message of commit {leaked_in}. " in line
    assert "TWITTER_ACCESS_TOKEN_SECRET" in line
    assert exit_code == 1


@needs_git
@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("v1", f"Release {ACCESS_TOKEN_SECRET}"),
        ("release/2024-01", f"Release 1\n\nDeployed with {ACCESS_TOKEN_SECRET}\n"),
    ],
    ids=["subject", "body"],
)
def test_a_value_in_an_annotated_tag_message_fails_naming_the_tag(
    capsys, repo, credentials_in_dotenv, x_says, tag, message
):
    tagged = commit(repo, {"notes.md": "hello\n"}, "Clean commit")
    git(repo, "tag", "--annotate", tag, "--message", message)
    commit(repo, {"notes.md": "hello again\n"}, "A later commit")
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, f"git history: in the message of tag {tag}. ")
    assert line.startswith("FAIL")
    assert "TWITTER_ACCESS_TOKEN_SECRET" in line
    assert "Rewriting the history is not enough" in line
    assert f"commit {tagged}" not in out  # the commit itself is clean
    assert ACCESS_TOKEN_SECRET not in out
    assert exit_code == 1


@needs_git
def test_a_clean_annotated_tag_on_a_leaking_commit_is_not_blamed(
    capsys, repo, credentials_in_dotenv, x_says
):
    """A lightweight tag has no message, and an annotated one is judged by its
    own message, not by its commit's (which is checked as a commit)."""
    leaked_in = commit(repo, {"notes.md": "hello\n"}, f"Add {ACCESS_TOKEN_SECRET}")
    git(repo, "tag", "light")
    git(repo, "tag", "--annotate", "v1", "--message", "Release 1")
    x_says()

    _, out, _ = run_doctor(capsys)

    assert line_with(out, "git history: in the message of").endswith(
        f"in the message of commit {leaked_in}. Rewriting the history is not "
        "enough: replace the credential (README: If your credentials leak)"
    )
    assert "tag" not in out


def merge_with_conflict(repo):
    """Two branches change the same line of config.py, and `git merge` stops."""
    commit(repo, {"config.py": "TOKEN = ''\n"}, "Add config")
    git(repo, "switch", "--quiet", "--create", "side")
    commit(repo, {"config.py": "TOKEN = os.environ['TOKEN']\n"}, "Read the token")
    git(repo, "switch", "--quiet", "-")
    commit(repo, {"config.py": "TOKEN = 'to do'\n"}, "Placeholder")
    result = run_git(repo, "merge", "--quiet", "side")
    assert "CONFLICT" in result.stdout, result.stdout + result.stderr


def merge_without_conflict(repo):
    """A merge stopped before its commit, with nothing to resolve."""
    commit(repo, {"config.py": "TOKEN = ''\n"}, "Add config")
    git(repo, "switch", "--quiet", "--create", "side")
    commit(repo, {"side.py": "pass\n"}, "Side work")
    git(repo, "switch", "--quiet", "-")
    git(repo, "merge", "--quiet", "--no-ff", "--no-commit", "side")


@needs_git
@pytest.mark.parametrize(
    ("start_merge", "path", "content"),
    [
        (merge_with_conflict, "config.py", f"TOKEN = '{ACCESS_TOKEN_SECRET}'\n"),
        (merge_without_conflict, "config.py", f"TOKEN = '{ACCESS_TOKEN_SECRET}'\n"),
        (
            merge_without_conflict,
            "notes.txt",
            spelled(ACCESS_TOKEN_SECRET, "utf-16-le", True),
        ),
    ],
    ids=["conflict-resolved-with-it", "changed-while-merging", "utf-16-while-merging"],
)
def test_a_value_typed_while_merging_is_found_in_the_merge(
    capsys, repo, credentials_in_dotenv, x_says, start_merge, path, content
):
    start_merge(repo)
    merged_in = commit(repo, {path: content}, "Merge side")
    assert len(git(repo, "log", "-1", "--format=%P").split()) == 2  # a merge
    commit(repo, {path: "TOKEN = None\n"}, "Take it out")
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, f"git history: added to {path}")
    assert f"in commit {merged_in}. " in line
    assert "TWITTER_ACCESS_TOKEN_SECRET" in line
    assert exit_code == 1


needs_links = pytest.mark.skipif(
    not hasattr(os, "mkfifo"), reason="needs symlinks and named pipes"
)


@pytest.fixture
def fail_if_waiting():
    """Fail the test, rather than hang it, when doctor waits 10 s on a pipe."""

    def stop(signum, frame):
        pytest.fail("doctor waited on a named pipe")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def commit_symlink(repo, path, target):
    """Commit ``path`` as a symlink to ``target``: git records only the target's name."""
    os.symlink(target, repo / path)
    git(repo, "add", "--", path)
    git(repo, "commit", "--quiet", "--no-verify", "--message", "Add a link")


def link_to_env_file(repo):
    commit_symlink(repo, "settings", ".env")


def link_to_a_pipe(repo):
    os.mkfifo(repo / "pipe")
    commit_symlink(repo, "settings", "pipe")


def file_replaced_by_a_pipe(repo):
    commit(repo, {"settings": "hello\n"})
    (repo / "settings").unlink()
    os.mkfifo(repo / "settings")


@needs_git
@needs_links
@pytest.mark.parametrize(
    "make", [link_to_env_file, link_to_a_pipe, file_replaced_by_a_pipe]
)
def test_only_what_git_tracks_is_searched_never_what_a_link_points_to(
    capsys, repo, credentials_in_dotenv, x_says, fail_if_waiting, make
):
    """Git records a symlink as the name it points to: reading through it
    would blame .env's values on the link, wait forever on a named pipe, or
    fill the memory from /dev/zero."""
    make(repo)
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    assert line_with(out, "in a tracked file").startswith("ok")
    assert exit_code == 0


@needs_git
@needs_links
def test_a_value_in_where_a_link_points_is_found(
    capsys, repo, credentials_in_dotenv, x_says
):
    commit_symlink(repo, "settings", f"keys/{ACCESS_TOKEN_SECRET}")
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, "settings:1 holds the value of")
    assert line.startswith("FAIL")
    assert "TWITTER_ACCESS_TOKEN_SECRET" in line
    assert ACCESS_TOKEN_SECRET not in out
    assert exit_code == 1


@needs_git
def test_short_values_are_not_searched(capsys, repo, x_says):
    write_env_file(repo / ".env", {**FAKE_CREDENTIALS, "TWITTER_CONSUMER_KEY": "abc"})
    commit(repo, {"abc.txt": "abc\n"})
    x_says()

    _, out, _ = run_doctor(capsys)

    assert line_with(out, "in a tracked file").startswith("ok")
    assert line_with(out, "git history").startswith("ok")


# --- without git ----------------------------------------------------------------------


def test_without_git_says_so_and_checks_the_rest(
    capsys, monkeypatch, credentials_in_dotenv, x_says
):
    monkeypatch.setattr(gitrepo, "has_git", lambda: False)
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    assert line_with(out, "git is not installed").startswith("skip")
    assert line_with(out, "has the four credentials").startswith("ok")
    assert exit_code == 0


@needs_git
def test_outside_a_repository_says_so(capsys, credentials_in_dotenv, x_says):
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, "not in a git repository")
    assert line.startswith("skip")
    assert "`git init`" in line
    assert exit_code == 0


@needs_git
def test_a_folder_named_after_a_value_is_not_shown(
    capsys, monkeypatch, isolated, x_says
):
    folder = isolated / ACCESS_TOKEN_SECRET
    write_env_file(folder / ".env")
    monkeypatch.chdir(folder)
    x_says()

    _, out, _ = run_doctor(capsys)

    assert f"{NAMED_SECRET} is not in a git repository" in out


@needs_git
def test_git_failing_says_what_git_said_without_the_value(
    capsys, repo, credentials_in_dotenv, x_says
):
    # A branch named after the value, pointing at a commit that does not exist.
    missing_commit = "1" * 40
    (repo / ".git" / "refs" / "heads" / ACCESS_TOKEN_SECRET).write_text(
        f"{missing_commit}\n"
    )
    x_says()

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, "`git log` failed")
    assert line.startswith("FAIL")
    assert f"(fatal: bad object refs/heads/{NAMED_SECRET})" in line
    assert exit_code == 1


# --- TWITTER_API_BASE_URL ---------------------------------------------------------------


def test_loopback_http_api_root_is_ok(
    capsys, monkeypatch, credentials_in_dotenv, x_api
):
    monkeypatch.setenv("TWITTER_API_BASE_URL", "http://127.0.0.1:8765")
    x_api.get("http://127.0.0.1:8765/2/users/me", json=ME)

    _, out, _ = run_doctor(capsys)

    assert line_with(out, "TWITTER_API_BASE_URL is").startswith("ok")


def test_plain_http_api_root_fails_and_nothing_is_sent(
    capsys, monkeypatch, credentials_in_dotenv, x_api
):
    monkeypatch.setenv("TWITTER_API_BASE_URL", "http://api.example.com")

    exit_code, out, _ = run_doctor(capsys)

    assert line_with(out, "plain http").startswith("FAIL")
    assert line_with(out, "not tried with X").startswith("skip")
    assert len(x_api.calls) == 0
    assert exit_code == 1


# --- the credentials, tried with X --------------------------------------------------------


def test_read_only_token_fails_saying_to_re_run_auth(
    capsys, credentials_in_dotenv, x_says
):
    x_says("read")

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, "@TweepyDev")
    assert line.startswith("FAIL")
    assert "may only read" in line
    assert f"re-run `{COMMAND} auth` after enabling Read and write" in line
    assert exit_code == 1


def test_no_access_level_header_is_ok_but_says_so(
    capsys, credentials_in_dotenv, x_says
):
    x_says(access_level=None)

    _, out, _ = run_doctor(capsys)

    line = line_with(out, "@TweepyDev")
    assert line.startswith("ok")
    assert "did not say" in line


def test_rejected_credentials_fail(capsys, credentials_in_dotenv, x_says):
    x_says(access_level=None, status=401, body=UNAUTHORIZED)

    exit_code, out, _ = run_doctor(capsys)

    line = line_with(out, "rejected the credentials")
    assert line.startswith("FAIL")
    assert f"`{COMMAND} auth`" in line
    assert exit_code == 1


def test_missing_credentials_are_not_tried(capsys, isolated, x_api):
    write_env_file(isolated / ".env", {"TWITTER_CONSUMER_KEY": "fake-consumer-key"})

    _, out, _ = run_doctor(capsys)

    assert line_with(out, "not tried with X").startswith("skip")
    assert len(x_api.calls) == 0
