"""Fixtures shared by the template's own tests.

Projects are baked with pytest-cookies (``cookies``, ``cookies_session``),
which keeps cookiecutter's user config and replay files in a temporary folder.
A few tests run cookiecutter as a subprocess instead, because what they check
only exists there: the prompt reading typed answers or a closed standard
input, the exit status and lines a shell shows, and the interactive PIN flow
in a pseudo-terminal.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import TEMPLATE_DIR, clean_environ, write_cookiecutter_config
from pytest_cookies.plugin import Cookies, Result

from sandbox import Sandbox


def pytest_configure(config: pytest.Config) -> None:
    # pytest-cookies bakes the folder given by --template, "." by default: make
    # it this repository's root, wherever pytest is started from.
    config.option.template = str(TEMPLATE_DIR)


class BakeWithoutAuthorizing:
    """pytest-cookies' ``Cookies``, with ``authorize_now`` off unless a test
    gives it, and no TWITTER_* variable of the person running the tests
    reaching the hooks."""

    def __init__(self, cookies: Cookies) -> None:
        self.cookies = cookies

    def bake(self, extra_context: dict[str, Any] | None = None) -> Result:
        context = {"authorize_now": False, **(extra_context or {})}
        with pytest.MonkeyPatch.context() as patch:
            for name in list(os.environ):
                if name.startswith("TWITTER_"):
                    patch.delenv(name)
            return self.cookies.bake(extra_context=context)


@pytest.fixture
def cookies(cookies: Cookies) -> BakeWithoutAuthorizing:
    return BakeWithoutAuthorizing(cookies)


@pytest.fixture(scope="session")
def cookies_session(cookies_session: Cookies) -> BakeWithoutAuthorizing:
    return BakeWithoutAuthorizing(cookies_session)


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for cookiecutter run as a command: no credentials, and a
    user config that keeps replay files out of the real home."""
    config = write_cookiecutter_config(tmp_path_factory.mktemp("cookiecutter-home"))
    return clean_environ(COOKIECUTTER_CONFIG=str(config))


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """The sandbox, accepting signatures made for X's public API roots too."""
    with Sandbox(port=0) as running:
        yield running


@pytest.fixture
def strict_sandbox() -> Iterator[Sandbox]:
    """Accepts only signatures made for the URL requested."""
    with Sandbox(port=0, public_roots=False) as running:
        yield running


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]
