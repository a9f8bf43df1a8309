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


# The first bytes of each kind of file X takes (enough for its kind to show),
# and of two it does not take (HEIF, an iPhone's photo format, and AVIF,
# which starts as an MP4 video does).
FILE_STARTS = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01",
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04",
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08free",
    "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x08free",
    "avif": b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00mif1miafMA1B\x00\x00\x00\x08free",
}


def write_media(path, kind, size=1000):
    """A file of ``size`` bytes that starts as a ``kind`` file does; return
    its path. The rest is a hole on disk: big files cost no time."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        file.write(FILE_STARTS[kind])
        file.truncate(size)
    return path
