"""The sandbox's memory: users, tokens, posts, media and counters, behind one lock.

The HTTP server answers each request in its own thread, so every method that
reads or changes this state takes ``self._lock`` first.
"""

import re
import secrets
import string
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from typing import Any

from sandbox.wire import SEGMENTS_DO_NOT_ADD_UP

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
    "media-ids-invalid": 400,  # X's answer for a few seconds after processing
}
# What fail_next_upload() can inject on the media endpoints: status -> kind.
UPLOAD_FAILURES = {
    401: "unauthorized",
    402: "credits-depleted",
    429: "rate-limit",
    503: "unavailable",
}

# Media types, as X names them in posts, and the prefix of their media_key.
PHOTO, GIF, VIDEO = "photo", "animated_gif", "video"
MEDIA_KEY_PREFIXES = {PHOTO: "3", VIDEO: "7", GIF: "16"}
MEDIA_EXPIRY_SECONDS = 24 * 3600  # X's expires_after_secs
MAX_PHOTOS = 4
DEFAULT_PROCESSING_FAILURE = "Unsupported video format"  # X's v1.1 example


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
class PostMedia:
    """A picture, GIF or video as attached to a post."""

    id: str
    type: str  # PHOTO, GIF or VIDEO
    alt_text: str | None


@dataclass(frozen=True)
class Post:
    id: str
    text: str  # as sent: without the t.co link X adds for media
    username: str
    created_at: str  # like X: 2026-01-31T12:00:00.000Z
    media: tuple[PostMedia, ...] = ()
    in_reply_to: str | None = None

    def as_dict(self) -> dict[str, Any]:
        fields = asdict(self)
        fields["media"] = list(fields["media"])
        return fields

    def mentions(self, username: str) -> bool:
        """Whether the text mentions @username (handles ignore case)."""
        mention = rf"(?<![A-Za-z0-9_@＠])[@＠]{re.escape(username)}(?![A-Za-z0-9_@＠])"
        return re.search(mention, self.text, re.IGNORECASE) is not None


@dataclass(frozen=True)
class Media:
    """One upload. Replaced, never changed, so it can be read without the lock."""

    id: str
    user_id: str
    username: str
    type: str  # PHOTO, GIF or VIDEO
    content_type: str  # image/png, video/mp4, ...
    total_bytes: int  # as announced (chunked) or received (simple upload)
    expires_at: float  # epoch seconds
    size: int = 0  # bytes received so far
    data: bytes = b""  # the whole file, once uploaded (simple) or finalized
    finalized_at: float | None = None  # chunked only
    ready_at: float | None = None  # when processing ends; None while uploading
    failure: str | None = None  # the message processing fails with, if it does
    alt_text: str | None = None

    @property
    def media_key(self) -> str:
        return f"{MEDIA_KEY_PREFIXES[self.type]}_{self.id}"

    @property
    def chunked(self) -> bool:
        return self.type != PHOTO

    def state(self, now: float) -> str:
        """X's processing state; "uploading" (the sandbox's word) before finalize."""
        if self.ready_at is None:
            return "uploading"
        if now < self.ready_at:
            return "in_progress"
        return "failed" if self.failure is not None else "succeeded"

    def progress_percent(self, now: float) -> int:
        if self.ready_at is None or self.finalized_at is None:
            return 0
        if now >= self.ready_at:
            return 100
        done = (now - self.finalized_at) / (self.ready_at - self.finalized_at)
        return min(99, int(done * 100))

    def expires_after_secs(self, now: float) -> int:
        return max(0, round(self.expires_at - now))  # 86400 just after uploading

    def as_dict(self, now: float) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "size": self.size,
            "state": self.state(now),
            "alt_text": self.alt_text,
            "username": self.username,
        }


class Refused(Exception):
    """X refuses a media request; the message says why, in X's words if known."""


def allowed_mix(types: Sequence[str]) -> bool:
    """Up to four photos, or exactly one GIF, or exactly one video."""
    if types and all(kind == PHOTO for kind in types):
        return len(types) <= MAX_PHOTOS
    return len(types) == 1


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
        self,
        consumer_key: str,
        consumer_secret: str,
        public_roots: bool = True,
        processing_seconds: float = 1.0,
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
        self._upload_failures: list[str] = []  # kinds, see UPLOAD_FAILURES
        self._processing_failures: list[str] = []  # messages
        self._summoned_replies_only = True
        self._processing_seconds = processing_seconds
        self._media_expiry_seconds: float = MEDIA_EXPIRY_SECONDS
        self._media: dict[str, Media] = {}
        self._segments: dict[str, dict[int, bytes]] = {}  # media id -> index -> chunk
        self._last_id = 0
        # X's published limits (2026) for the endpoints the sandbox serves.
        self.limits = {
            "users/me": FixedWindowLimit(75, 15 * 60),
            "post": FixedWindowLimit(100, 15 * 60),
            "post/user/24h": FixedWindowLimit(2400, 24 * 3600),
            "post/app/24h": FixedWindowLimit(10000, 24 * 3600),
            "delete": FixedWindowLimit(50, 15 * 60),
            "media/upload": FixedWindowLimit(500, 15 * 60),
            "media/initialize": FixedWindowLimit(1875, 15 * 60),
            "media/append": FixedWindowLimit(1875, 15 * 60),
            "media/finalize": FixedWindowLimit(1875, 15 * 60),
            "media/status": FixedWindowLimit(1000, 15 * 60),
            "media/metadata": FixedWindowLimit(500, 15 * 60),
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

    @property
    def summoned_replies_only(self) -> bool:
        with self._lock:
            return self._summoned_replies_only

    @summoned_replies_only.setter
    def summoned_replies_only(self, value: bool) -> None:
        with self._lock:
            self._summoned_replies_only = value

    @property
    def processing_seconds(self) -> float:
        with self._lock:
            return self._processing_seconds

    @processing_seconds.setter
    def processing_seconds(self, value: float) -> None:
        if not value >= 0:  # also refuses NaN
            raise ValueError(f"processing_seconds must be 0 or more, not {value}")
        with self._lock:
            self._processing_seconds = value

    @property
    def media_expiry_seconds(self) -> float:
        with self._lock:
            return self._media_expiry_seconds

    @media_expiry_seconds.setter
    def media_expiry_seconds(self, value: float) -> None:
        with self._lock:
            self._media_expiry_seconds = value

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

    def fail_next_upload(self, status: int) -> str:
        """Queue a failure for the next media request; returns its kind."""
        kind = UPLOAD_FAILURES.get(status)
        if kind is None:
            statuses = sorted(UPLOAD_FAILURES)
            raise ValueError(f"status must be one of {statuses}, not {status}")
        with self._lock:
            self._upload_failures.append(kind)
        return kind

    def pop_upload_failure(self) -> str | None:
        with self._lock:
            return self._upload_failures.pop(0) if self._upload_failures else None

    def fail_next_processing(self, message: str) -> None:
        with self._lock:
            self._processing_failures.append(message)

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

    def user(self, username: str) -> User:
        with self._lock:
            return self._user(username)

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

    def create_post(
        self,
        user: User,
        text: str,
        media: Sequence[Media] = (),
        in_reply_to: str | None = None,
    ) -> Post | None:
        """Store a new post; None if this user already posted the same text
        (an empty text, with media, is never a duplicate)."""
        with self._lock:
            for post in self._posts:
                if text and post.username == user.username and post.text == text:
                    return None
            now = datetime.now(timezone.utc)
            post = Post(
                id=self._new_id(),
                text=text,
                username=user.username,
                created_at=now.strftime("%Y-%m-%dT%H:%M:%S.")
                + f"{now.microsecond // 1000:03d}Z",
                media=tuple(PostMedia(m.id, m.type, m.alt_text) for m in media),
                in_reply_to=in_reply_to,
            )
            self._posts.append(post)
            return post

    def find_post(self, post_id: str) -> Post | None:
        with self._lock:
            return next((post for post in self._posts if post.id == post_id), None)

    def delete_post(self, post_id: str) -> None:
        with self._lock:
            self._posts = [post for post in self._posts if post.id != post_id]

    def thread(self, post_id: str) -> list[Post]:
        """The post's whole thread, oldest first: the post it (indirectly)
        replies to, if still there, and every reply to that one, at any depth."""
        posts = self.posts()
        by_id = {post.id: post for post in posts}

        def root_of(post: Post) -> str:
            while post.in_reply_to in by_id:
                post = by_id[post.in_reply_to]
            return post.id

        root = root_of(by_id[post_id]) if post_id in by_id else post_id
        return [post for post in posts if root_of(post) == root]

    # --- media --------------------------------------------------------------

    def media(self) -> list[Media]:
        with self._lock:
            return list(self._media.values())

    def find_media(self, media_id: str) -> Media | None:
        with self._lock:
            return self._media.get(media_id)

    def add_photo(self, user: User, content_type: str, data: bytes) -> Media:
        """A simple upload: complete, and ready at once (images need no processing)."""
        now = time.time()
        with self._lock:
            media = Media(
                id=self._new_id(),
                user_id=user.id,
                username=user.username,
                type=PHOTO,
                content_type=content_type,
                total_bytes=len(data),
                expires_at=now + self._media_expiry_seconds,
                size=len(data),
                data=data,
                ready_at=now,
            )
            self._media[media.id] = media
            return media

    def start_upload(
        self, user: User, kind: str, content_type: str, total_bytes: int
    ) -> Media:
        """A chunked upload, initialized: its chunks come next."""
        with self._lock:
            media = Media(
                id=self._new_id(),
                user_id=user.id,
                username=user.username,
                type=kind,
                content_type=content_type,
                total_bytes=total_bytes,
                expires_at=time.time() + self._media_expiry_seconds,
            )
            self._media[media.id] = media
            self._segments[media.id] = {}
            return media

    def own_media(self, user: User, media_id: str) -> Media | None:
        """The user's upload with that id, unless it expired."""
        with self._lock:
            return self._own(user, media_id, time.time())

    def _own(self, user: User, media_id: str, now: float) -> Media | None:
        media = self._media.get(media_id)
        if media is None or media.user_id != user.id or now >= media.expires_at:
            return None
        return media

    def append_segment(
        self, user: User, media_id: str, index: int, chunk: bytes
    ) -> Media:
        """Keep one chunk (a chunk sent again replaces the first)."""
        with self._lock:
            media = self._own(user, media_id, time.time())
            segments = self._segments.get(media_id)
            if media is None or segments is None:
                raise Refused(f"No chunked upload in progress with id {media_id}.")
            segments[index] = chunk
            size = sum(len(segment) for segment in segments.values())
            self._media[media_id] = media = replace(media, size=size)
            return media

    def finalize_upload(self, user: User, media_id: str) -> Media:
        """Assemble the chunks in segment_index order and start processing."""
        now = time.time()
        with self._lock:
            media = self._own(user, media_id, now)
            segments = self._segments.get(media_id)
            if media is None or segments is None:
                raise Refused(f"No chunked upload in progress with id {media_id}.")
            data = b"".join(segments[index] for index in sorted(segments))
            if len(data) != media.total_bytes:
                raise Refused(SEGMENTS_DO_NOT_ADD_UP)
            del self._segments[media_id]
            failure = None
            if self._processing_failures:
                failure = self._processing_failures.pop(0)
            media = replace(
                media,
                data=data,
                finalized_at=now,
                ready_at=now + self._processing_seconds,
                failure=failure,
            )
            self._media[media_id] = media
            return media

    def set_alt_text(self, user: User, media_id: str, text: str) -> Media | None:
        with self._lock:
            media = self._own(user, media_id, time.time())
            if media is None:
                return None
            self._media[media_id] = media = replace(media, alt_text=text)
            return media

    def media_for_post(
        self, user: User, media_ids: Sequence[str]
    ) -> list[Media] | None:
        """The uploads a post may carry; None unless each id is the user's own,
        unexpired and processed, none twice, and the mix is one X allows."""
        now = time.time()
        with self._lock:
            found = [self._own(user, media_id, now) for media_id in media_ids]
        media = [item for item in found if item is not None]
        if len(media) != len(found) or len(set(media_ids)) != len(media_ids):
            return None
        if any(item.state(now) != "succeeded" for item in media):
            return None
        return media if allowed_mix([item.type for item in media]) else None
