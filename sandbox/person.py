"""Do what a person does in the browser: open the authorize link, click, read the PIN.

Used by the quick start's ``--auto`` mode and by the end-to-end tests, so that
nothing reaches into the sandbox's memory to skip the real PIN flow.
"""

import re
import urllib.request
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

PIN = re.compile(r'<code id="pin">([0-9]+)</code>')


class _FormReader(HTMLParser):
    """Collects the first form's action and its inputs' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and not self.action:
            self.action = attributes.get("action", "")
        elif tag == "input" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value", "")


def approve(authorize_url: str, username: str | None = None) -> str:
    """Open the link, click "Authorize app" (as ``username``), return the PIN."""
    with urllib.request.urlopen(authorize_url, timeout=10) as response:  # noqa: S310
        page = response.read().decode("utf-8")
    form = _FormReader()
    form.feed(page)
    if not form.action:
        raise ValueError("the authorize page has no form: is the link still valid?")
    if username:
        form.fields["username"] = username
    request = urllib.request.Request(
        urljoin(authorize_url, form.action),
        data=urlencode(form.fields).encode("ascii"),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        answer = response.read().decode("utf-8")
    match = PIN.search(answer)
    if match is None:
        raise ValueError("the page after 'Authorize app' shows no PIN")
    return unescape(match.group(1))
