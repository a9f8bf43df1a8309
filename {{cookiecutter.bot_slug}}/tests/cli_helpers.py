"""Running the command line in-process, as the tests of every command do."""

from fake_x import FAKE_CREDENTIALS

from {{ cookiecutter.package_name }} import (
    cli,
)
from {{ cookiecutter.package_name }}.config import (
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
