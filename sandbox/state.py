"""The sandbox's memory: users, tokens, posts and counters, behind one lock.

The HTTP server answers each request in its own thread, so every method that
reads or changes this state takes ``self._lock`` first.
"""

import secrets
import string
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

TWITTER_EPOCH_MS = 1288834974657  # ids are "snowflakes": milliseconds since then
ALPHANUMERIC = string.ascii_letters + string.digits
DEFAULT_USERNAME = "sandbox_bot"

# What fail_next_post() can inject: kind -> HTTP status. A bare status stands
# for the first kind listed with it.
FAILURES = {
    "text-too-long": 400,
    "unauthorized": 401,
    "credits-depleted": 402,
    "duplicate": 403,
    "client-not-enrolled": 403,
    "client-forbidden": 403,
    "rate-limit": 429,
    "user-24h": 429,
    "app-24h": 429,
    "unavailable": 503,
}


def random_token(length: int) -> str:
    return "".join(secrets.choice(ALPHANUMERIC) for _ in range(length))


def new_pin() -> str:
    return f"{secrets.randbelow(10**7):07d}"


@dataclass(frozen=True)
class User:
    id: str
    username: str
    name: str


@dataclass
class RequestToken:
    """Step 1 of the PIN flow; gets a PIN when the user clicks "Authorize app"."""

    token: str
    secret: str
    access_type: str | None  # "read", "write", or None for the app's setting
    pin: str | None = None
    username: str | None = None


@dataclass(frozen=True)
class AccessToken:
    """What the bot keeps: lets it act as ``user``."""

    token: str
    secret: str
    user: User
    read_only: bool

    @property
    def access_level(self) -> str:
        return "read" if self.read_only else "read-write"


@dataclass(frozen=True)
class Post:
    id: str
    text: str
    username: str
    created_at: str  # like X: 2026-01-31T12:00:00.000Z

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Quota:
    """One rate limit as X reports it in x-...-limit/-remaining/-reset headers."""

    limit: int
    remaining: int
    reset: int  # epoch seconds
    allowed: bool


class FixedWindowLimit:
    """Allows ``limit`` requests per key in each window of ``seconds``."""

    def __init__(self, limit: int, seconds: int) -> None:
        self.limit = limit
        self.seconds = seconds
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (start, used)

    def take(self, key: str, now: float, use: bool = True) -> Quota:
        """Count one request for ``key``; with ``use=False`` only look."""
        start, used = self._windows.get(key, (now, 0))
        if now >= start + self.seconds:
            start, used = now, 0
        allowed = used < self.limit
        if allowed and use:
            used += 1
            self._windows[key] = (start, used)
        return Quota(self.limit, self.limit - used, int(start + self.seconds), allowed)


class SandboxState:
    def __init__(
        self, consumer_key: str, consumer_secret: str, public_roots: bool = True
    ) -> None:
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.public_roots = public_roots  # never changes: read without the lock
        self._lock = threading.Lock()
        self._read_only = False
        self._callback_url_set = True
        self._users: dict[str, User] = {}  # lower-case username -> user
        self._request_tokens: dict[str, RequestToken] = {}
        self._access_tokens: dict[str, AccessToken] = {}
        self._posts: list[Post] = []
        self._requests: list[tuple[str, str]] = []
        self._nonces: set[str] = set()
        self._failures: list[str] = []  # kinds, see FAILURES
        self._last_id = 0
        # X's published limits (2026) for the endpoints the sandbox serves.
        self.limits = {
            "users/me": FixedWindowLimit(75, 15 * 60),
            "post": FixedWindowLimit(100, 15 * 60),
            "post/user/24h": FixedWindowLimit(2400, 24 * 3600),
            "post/app/24h": FixedWindowLimit(10000, 24 * 3600),
            "delete": FixedWindowLimit(50, 15 * 60),
        }

    # --- settings and the request log ---------------------------------------

    @property
    def read_only(self) -> bool:
        with self._lock:
            return self._read_only

    @read_only.setter
    def read_only(self, value: bool) -> None:
        with self._lock:
            self._read_only = value

    @property
    def callback_url_set(self) -> bool:
        with self._lock:
            return self._callback_url_set

    @callback_url_set.setter
    def callback_url_set(self, value: bool) -> None:
        with self._lock:
            self._callback_url_set = value

    def record_request(self, method: str, path: str) -> None:
        with self._lock:
            self._requests.append((method, path))

    def requests(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._requests)

    def fail_next_post(self, status: int | None = None, kind: str | None = None) -> str:
        """Queue a failure for the next post; returns its kind (see FAILURES)."""
        if kind is None:
            kind = next((k for k, code in FAILURES.items() if code == status), None)
            if kind is None:
                statuses = sorted(set(FAILURES.values()))
                raise ValueError(f"status must be one of {statuses}, not {status}")
        elif kind not in FAILURES:
            raise ValueError(f"kind must be one of {list(FAILURES)}, not {kind!r}")
        elif status is not None and status != FAILURES[kind]:
            raise ValueError(f"a {kind!r} failure has status {FAILURES[kind]}")
        with self._lock:
            self._failures.append(kind)
        return kind

    def pop_failure(self) -> str | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def take_quota(self, limit_name: str, key: str, use: bool = True) -> Quota:
        """Count one request against a limit; with ``use=False`` only look."""
        with self._lock:
            return self.limits[limit_name].take(key, time.time(), use)

    def use_nonce(self, nonce: str) -> bool:
        """True the first time a nonce is seen, False for a replay."""
        with self._lock:
            if nonce in self._nonces:
                return False
            self._nonces.add(nonce)
            return True

    # --- the PIN flow -------------------------------------------------------

    def new_request_token(self, access_type: str | None) -> RequestToken:
        request_token = RequestToken(random_token(32), random_token(32), access_type)
        with self._lock:
            self._request_tokens[request_token.token] = request_token
        return request_token

    def request_token(self, token: str) -> RequestToken | None:
        with self._lock:
            return self._request_tokens.get(token)

    def token_would_be_read_only(self, request_token: RequestToken) -> bool:
        with self._lock:
            return self._read_only or request_token.access_type == "read"

    def authorize(self, token: str, username: str) -> str:
        """The user clicked "Authorize app": returns a new PIN for this token."""
        with self._lock:
            request_token = self._request_tokens.get(token)
            if request_token is None:
                raise KeyError(f"unknown request token {token!r}")
            request_token.pin = new_pin()  # a second click replaces the first PIN
            request_token.username = username
            return request_token.pin

    def exchange_pin(self, token: str, pin: str | None) -> AccessToken | None:
        """Trade an authorized request token and its PIN for an access token.

        None if the PIN is wrong. On success the request token is used up.
        """
        with self._lock:
            request_token = self._request_tokens.get(token)
            if request_token is None or request_token.pin is None:
                return None
            if not pin or not secrets.compare_digest(pin, request_token.pin):
                return None
            del self._request_tokens[token]
            read_only = self._read_only or request_token.access_type == "read"
            return self._issue(request_token.username or DEFAULT_USERNAME, read_only)

    def issue_token(self, username: str, read_only: bool) -> AccessToken:
        with self._lock:
            return self._issue(username, read_only or self._read_only)

    def access_token(self, token: str) -> AccessToken | None:
        with self._lock:
            return self._access_tokens.get(token)

    def _issue(self, username: str, read_only: bool) -> AccessToken:
        user = self._user(username)
        access_token = AccessToken(
            token=f"{user.id}-{random_token(40)}",
            secret=random_token(45),
            user=user,
            read_only=read_only,
        )
        self._access_tokens[access_token.token] = access_token
        return access_token

    def _user(self, username: str) -> User:
        """Handles are case-insensitive on X: @Bot and @bot are one account."""
        user = self._users.get(username.lower())
        if user is None:
            user = User(self._new_id(), username, f"{username} (sandbox)")
            self._users[username.lower()] = user
        return user

    def _new_id(self) -> str:
        """A snowflake-style id: 19 digits, always increasing."""
        snowflake = (int(time.time() * 1000) - TWITTER_EPOCH_MS) << 22
        self._last_id = max(snowflake, self._last_id + 1)
        return str(self._last_id)

    # --- posts --------------------------------------------------------------

    def posts(self) -> list[Post]:
        with self._lock:
            return list(self._posts)

    def create_post(self, user: User, text: str) -> Post | None:
        """Store a new post; None if this user already posted the same text."""
        with self._lock:
            for post in self._posts:
                if post.username == user.username and post.text == text:
                    return None
            now = datetime.now(timezone.utc)
            post = Post(
                id=self._new_id(),
                text=text,
                username=user.username,
                created_at=now.strftime("%Y-%m-%dT%H:%M:%S.")
                + f"{now.microsecond // 1000:03d}Z",
            )
            self._posts.append(post)
            return post

    def find_post(self, post_id: str) -> Post | None:
        with self._lock:
            return next((post for post in self._posts if post.id == post_id), None)

    def delete_post(self, post_id: str) -> None:
        with self._lock:
            self._posts = [post for post in self._posts if post.id != post_id]
