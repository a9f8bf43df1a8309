"""Plain functions the tests share: running the command, writing .env, and
looking at files and imported modules."""

import stat
import subprocess
import sys
from pathlib import Path

from fake_x import FAKE_CREDENTIALS

from {{ cookiecutter.package_name }} import (
    cli,
)
from {{ cookiecutter.package_name }}.credentials import (
    COMMAND,
)


def run_cli(capsys, *args):
    """Run the command with ``args``; return (exit code, stdout, stderr).

    Whatever the command prints, no credential value may be in it.
    """
    exit_code = cli.main(list(args))
    out, err = capsys.readouterr()
    for value in FAKE_CREDENTIALS.values():
        assert value not in out + err
    return exit_code, out, err


def assert_one_error_line(err):
    """The error is one line, named after the command, with no traceback."""
    assert err.startswith(f"{COMMAND}: error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def write_env_file(path, values=FAKE_CREDENTIALS, mode=0o600):
    """Write ``values`` as NAME=value lines to ``path``, private as ``auth``
    writes it unless ``mode`` says otherwise; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = lines(*(f"{name}={value}" for name, value in values.items()))
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def lines(*texts):
    """The content of a file with these lines."""
    return "".join(f"{text}\n" for text in texts)


def mode_of(path):
    """The permission bits of ``path``, e.g. 0o600."""
    return stat.S_IMODE(path.stat().st_mode)


def modules_imported_by(*python_args):
    """Run a fresh ``python *python_args``; return its exit code, its stdout and
    the names of the modules it imported (``-X importtime`` lists each one)."""
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-X", "importtime", *python_args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    return result.returncode, result.stdout, imported
