"""The HTTP server, and the ``Sandbox`` object for tests and ``python -m sandbox``."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from sandbox import wire
from sandbox.incoming import Incoming
from sandbox.routes import handle
from sandbox.state import DEFAULT_PROCESSING_FAILURE, DEFAULT_USERNAME, SandboxState

DEFAULT_CONSUMER_KEY = "sandbox-api-key"
DEFAULT_CONSUMER_SECRET = "sandbox-api-secret-NOT-A-REAL-SECRET"
SHUTDOWN_POLL_SECONDS = 0.05  # how quickly stop() returns


class _Server(ThreadingHTTPServer):
    def __init__(
        self, address: tuple[str, int], state: SandboxState, log_requests: bool
    ) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self.log_requests = log_requests


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "x-sandbox"
    sys_version = ""

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def _answer(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        # Without a Host header (HTTP/1.0), the address the client connected to.
        host, port = self.connection.getsockname()[:2]
        request = Incoming(
            method=self.command,
            path=url.path,
            query=url.query,
            authorization=self.headers.get("Authorization"),
            content_type=self.headers.get("Content-Type", ""),
            body=self.rfile.read(length),
            host=self.headers.get("Host") or f"{host}:{port}",
            client=self.client_address[0],
        )
        if not request.path.startswith("/_sandbox/"):
            self.server.state.record_request(request.method, request.path)
        try:
            reply = handle(self.server.state, request)
        except Exception:
            self._send(wire.Reply(500, b"Sandbox bug, see its console.", wire.TEXT))
            raise  # the server prints the traceback
        self._send(reply)
        if self.server.log_requests:
            print(f"{request.method} {request.path} {reply.status}", flush=True)

    def _send(self, reply: wire.Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        """Silence http.server's own stderr log; _answer() logs when asked to."""


class Sandbox:
    """A stand-in for X's API (api.x.com; api.twitter.com also answers) on a
    loopback port.

    It accepts a signature made for the URL the client requested, or for X's
    public roots with the same path and query (a client rerouted after
    signing). ``public_roots=False`` accepts only the URL as requested, to prove
    that a client signs for the exact URL it sends to.

    A chunked upload (GIF, video) is processed for ``processing_seconds``
    after it is finalized.

    >>> with Sandbox() as sandbox:
    ...     sandbox.base_url  # doctest: +SKIP
    'http://127.0.0.1:50123'
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        consumer_key: str = DEFAULT_CONSUMER_KEY,
        consumer_secret: str = DEFAULT_CONSUMER_SECRET,
        log_requests: bool = False,
        public_roots: bool = True,
        processing_seconds: float = 1.0,
    ) -> None:
        self.host = host
        self.port = port  # 0 picks a free port when started
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.log_requests = log_requests
        self._state = SandboxState(
            consumer_key, consumer_secret, public_roots, processing_seconds
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- running --------------------------------------------------------------

    def start(self) -> "Sandbox":
        """Start serving in a background thread."""
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        self._server = _Server((self.host, self.port), self._state, self.log_requests)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            args=(SHUTDOWN_POLL_SECONDS,),
            name="x-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Where clients send requests, e.g. ``http://127.0.0.1:8765``."""
        if self._server is None:
            raise RuntimeError("start() the sandbox first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- what tests look at and control ----------------------------------------

    @property
    def read_only(self) -> bool:
        """When True, access tokens issued from now on cannot post or delete."""
        return self._state.read_only

    @read_only.setter
    def read_only(self, value: bool) -> None:
        self._state.read_only = value

    @property
    def public_roots(self) -> bool:
        """Whether signatures made for api.x.com and api.twitter.com are accepted."""
        return self._state.public_roots

    @property
    def callback_url_set(self) -> bool:
        """When False, the app has no callback URL in its settings, and X refuses
        /oauth/request_token with 415 "Callback URL not approved", even for oob."""
        return self._state.callback_url_set

    @callback_url_set.setter
    def callback_url_set(self, value: bool) -> None:
        self._state.callback_url_set = value

    @property
    def summoned_replies_only(self) -> bool:
        """X's 2026 rule: a reply to another account's post only if that post
        mentions the replier (replies to one's own posts always pass)."""
        return self._state.summoned_replies_only

    @summoned_replies_only.setter
    def summoned_replies_only(self, value: bool) -> None:
        self._state.summoned_replies_only = value

    @property
    def processing_seconds(self) -> float:
        """How long an upload finalized from now on stays ``in_progress``."""
        return self._state.processing_seconds

    @processing_seconds.setter
    def processing_seconds(self, value: float) -> None:
        self._state.processing_seconds = value

    @property
    def media_expiry_seconds(self) -> float:
        """How long an upload made from now on may be posted (X: 86400)."""
        return self._state.media_expiry_seconds

    @media_expiry_seconds.setter
    def media_expiry_seconds(self, value: float) -> None:
        self._state.media_expiry_seconds = value

    @property
    def posts(self) -> list[dict[str, Any]]:
        """Posts made so far, oldest first: {id, text, username, created_at,
        media: [{id, type, alt_text}], in_reply_to}. ``text`` is as sent,
        without the t.co link X adds for media; ``type`` is "photo",
        "animated_gif" or "video"; ``in_reply_to`` a post id or None."""
        return [post.as_dict() for post in self._state.posts()]

    @property
    def media(self) -> list[dict[str, Any]]:
        """Uploads so far, oldest first: {id, type, size, state, alt_text,
        username}; ``state`` is "uploading" until a chunked upload is
        finalized, then "in_progress", "succeeded" or "failed" (images:
        "succeeded" at once)."""
        now = time.time()
        return [media.as_dict(now) for media in self._state.media()]

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(method, path) of every request so far, except /_sandbox/ control ones."""
        return self._state.requests()

    def fail_next_post(
        self, status: int | None = None, *, kind: str | None = None
    ) -> None:
        """Make the next POST /2/tweets fail like X does, with a status or a kind.

        Statuses: 400 (too long), 401, 402 (credits depleted), 403 (duplicate),
        429 (15-minute rate limit, with its reset headers) or 503. Kinds, for
        X's other answers with those statuses:

        - ``"user-24h"``, ``"app-24h"``: 429, the user's (or the app's) 24-hour
          cap used up: ``x-user-limit-24hour-remaining: 0`` (or the app one)
          with its ``-reset`` a day away, while the 15-minute window
          (``x-rate-limit-*``) still has room;
        - ``"client-not-enrolled"``, ``"client-forbidden"``: 403 with that
          problem type (the app is on no usable package or project).

        - ``"media-ids-invalid"``: 400 "Your media IDs are invalid.", which X
          answers for a few seconds after it processed the media.

        Also ``"text-too-long"``, ``"unauthorized"``, ``"credits-depleted"``,
        ``"duplicate"``, ``"rate-limit"``, ``"unavailable"``: what the bare
        statuses give. Calls queue up; ValueError for anything else.
        """
        self._state.fail_next_post(status, kind)

    def fail_next_upload(self, status: int) -> None:
        """Make the next media request (upload, initialize, append, finalize,
        STATUS or metadata) fail like X does: 401, 402 (credits depleted), 429
        (with its reset headers) or 503. Calls queue up; ValueError otherwise."""
        self._state.fail_next_upload(status)

    def fail_next_processing(self, message: str = DEFAULT_PROCESSING_FAILURE) -> None:
        """Make the next upload finalized end in state ``failed`` with this
        message (``InvalidMedia``), once its processing time is over."""
        self._state.fail_next_processing(message)

    def post_as(self, username: str, text: str) -> str:
        """Make a post as another account, without a request (someone the bot
        may reply to); returns its id. ValueError for a duplicate."""
        post = self._state.create_post(self._state.user(username), text)
        if post is None:
            raise ValueError(f"@{username} already posted {text!r}")
        return post.id

    def authorize(self, oauth_token: str, username: str = DEFAULT_USERNAME) -> str:
        """Do what clicking "Authorize app" does; returns the PIN."""
        return self._state.authorize(oauth_token, username)

    def issue_token(
        self, username: str = DEFAULT_USERNAME, read_only: bool = False
    ) -> tuple[str, str]:
        """Create an access token and secret directly, skipping the PIN flow."""
        access_token = self._state.issue_token(username, read_only)
        return access_token.token, access_token.secret
