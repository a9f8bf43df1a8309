"""A fake X: the credentials tests use, X's answers as recorded, and its
signature check.

The answers are copied from real responses. Bodies are the JSON X sends;
headers are given where the bot reads them.
"""

from urllib.parse import urlsplit

from oauthlib.oauth1 import Client
from oauthlib.oauth1.rfc5849 import signature

# Obviously fake: no test may ever need real credentials.
FAKE_CREDENTIALS = {
    "TWITTER_CONSUMER_KEY": "fake-consumer-key",
    "TWITTER_CONSUMER_SECRET": "fake-consumer-secret",
    "TWITTER_ACCESS_TOKEN": "fake-access-token",
    "TWITTER_ACCESS_TOKEN_SECRET": "fake-access-token-secret",
}

TWEETS_URL = "https://api.x.com/2/tweets"
USERS_ME_URL = "https://api.x.com/2/users/me"

POST_ID = "1668910101351272448"

# POST /2/tweets -> 201
CREATED = {
    "data": {
        "edit_history_tweet_ids": [POST_ID],
        "id": POST_ID,
        "text": "Hello World!",
    }
}
CREATED_HEADERS = {
    "location": f"https://api.x.com/2/tweets/{POST_ID}",
    "x-access-level": "read-write",
    "x-rate-limit-limit": "100",
    "x-rate-limit-remaining": "99",
    "x-rate-limit-reset": "1749000900",
}

# GET /2/users/me -> 200
ME = {
    "data": {
        "id": "1072250532645998596",
        "name": "Tweepy Testing",
        "username": "TweepyDev",
    }
}

# 403: the app may only read (its tokens were made while it was read-only).
READ_ONLY_APP = {
    "title": "Forbidden",
    "status": 403,
    "detail": (
        "Your client app is not configured with the appropriate oauth1 app "
        "permissions for this endpoint."
    ),
    "type": "https://api.twitter.com/2/problems/oauth1-permissions",
}
# Newer logs show the same problem under api.x.com.
READ_ONLY_APP_X_COM = {
    **READ_ONLY_APP,
    "type": "https://api.x.com/2/problems/oauth1-permissions",
}

# 403: the same text was posted before.
DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}

# 401: bad or revoked credentials.
UNAUTHORIZED = {
    "title": "Unauthorized",
    "type": "about:blank",
    "status": 401,
    "detail": "Unauthorized",
}

# 429: rate limited; x-rate-limit-reset is when the window resets (epoch seconds).
RATE_LIMIT_RESET = 1749000900
RATE_LIMITED = {
    "title": "Too Many Requests",
    "detail": "Too Many Requests",
    "type": "about:blank",
    "status": 429,
}
RATE_LIMITED_HEADERS = {
    "x-rate-limit-limit": "100",
    "x-rate-limit-remaining": "0",
    "x-rate-limit-reset": str(RATE_LIMIT_RESET),
}


# 429 when a 24-hour cap is used up: its own reset is hours away, while
# x-rate-limit-* describe the 15-minute window, which still has room.
def daily_cap_headers(whose, reset):
    """``whose`` is "user" (this account) or "app" (every bot of the app)."""
    return {
        "x-rate-limit-limit": "100",
        "x-rate-limit-remaining": "97",
        "x-rate-limit-reset": str(reset - 20 * 3600),
        f"x-{whose}-limit-24hour-limit": "17",
        f"x-{whose}-limit-24hour-remaining": "0",
        f"x-{whose}-limit-24hour-reset": str(reset),
    }


# 403: the app is not on a usable API plan (pay-per-use, 2026); the problem
# type varies (client-not-enrolled, client-forbidden, user-not-enrolled).
def not_enrolled(problem):
    return {
        "title": "Client Forbidden",
        "detail": "This request must be made using an approved developer account "
        "that is enrolled in the requested endpoint.",
        "type": f"https://api.x.com/2/problems/{problem}",
        "status": 403,
    }


# 402: the pay-per-use credits are used up.
CREDITS_DEPLETED = {
    "detail": "credits depleted",
    "status": 402,
    "title": "Payment Required",
    "type": "https://api.x.com/2/problems/credits-depleted",
}

# 400: X's own length check (an error the bot does not know specially).
TOO_LONG_MESSAGE = (
    "Your Tweet text is too long. For more information on how Twitter "
    "determines text length see https://github.com/twitter/twitter-text."
)
TOO_LONG = {
    "errors": [{"message": TOO_LONG_MESSAGE}],
    "title": "Invalid Request",
    "detail": "One or more parameters to your request was invalid.",
    "type": "https://api.twitter.com/2/problems/invalid-request",
}

# 503: X itself is failing (body inferred).
SERVICE_UNAVAILABLE = {
    "title": "Service Unavailable",
    "detail": "Service Unavailable",
    "type": "about:blank",
    "status": 503,
}


# Every way X refuses a post that the bot explains, by name:
# (status, body, headers).
REFUSALS = {
    "read-only-app": (403, READ_ONLY_APP, {}),
    "duplicate": (403, DUPLICATE, {}),
    "unauthorized": (401, UNAUTHORIZED, {}),
    "rate-limited": (429, RATE_LIMITED, RATE_LIMITED_HEADERS),
    "daily-cap": (429, RATE_LIMITED, daily_cap_headers("user", RATE_LIMIT_RESET)),
    "not-enrolled": (403, not_enrolled("client-not-enrolled"), {}),
    "credits-depleted": (402, CREDITS_DEPLETED, {}),
    "service-unavailable": (503, SERVICE_UNAVAILABLE, {}),
    "bad-request": (400, TOO_LONG, {}),
}


def is_signed_for_its_url(request, consumer_secret, token_secret=""):
    """Whether ``request``'s OAuth 1.0a signature is valid for the URL it was
    sent to: what X (or any OAuth server) checks."""
    authorization = request.headers["Authorization"]
    if isinstance(authorization, bytes):  # as requests-oauthlib sets it
        authorization = authorization.decode()
    parameters = signature.collect_parameters(
        uri_query=urlsplit(request.url).query,
        headers={"Authorization": authorization},
        exclude_oauth_signature=False,
    )
    sent = dict(parameters)["oauth_signature"]
    base_string = signature.signature_base_string(
        request.method,
        signature.base_string_uri(request.url),
        signature.normalize_parameters(
            [(name, value) for name, value in parameters if name != "oauth_signature"]
        ),
    )
    secrets = Client(
        "", client_secret=consumer_secret, resource_owner_secret=token_secret
    )
    return sent == signature.sign_hmac_sha1_with_client(base_string, secrets)


# --- Media (X's v2 upload), replies -------------------------------------------

MEDIA_ID = "1900544781383569409"
VIDEO_ID = "1912103767639719936"
UPLOAD_URL = "https://api.x.com/2/media/upload"
INITIALIZE_URL = "https://api.x.com/2/media/upload/initialize"
APPEND_URL = f"https://api.x.com/2/media/upload/{VIDEO_ID}/append"
FINALIZE_URL = f"https://api.x.com/2/media/upload/{VIDEO_ID}/finalize"
METADATA_URL = "https://api.x.com/2/media/metadata"

# POST /2/media/upload (a picture) -> 200
UPLOADED = {
    "data": {
        "id": MEDIA_ID,
        "media_key": f"3_{MEDIA_ID}",
        "size": 117807,
        "expires_after_secs": 86400,
        "image": {"image_type": "image/jpeg", "w": 1266, "h": 793},
    }
}
# POST /2/media/upload/initialize -> 200
INITIALIZED = {
    "data": {
        "id": VIDEO_ID,
        "media_key": f"7_{VIDEO_ID}",
        "expires_after_secs": 86400,
    }
}
# POST .../append -> 200 (older docs: an empty 2xx; X's own mock: 204)
APPENDED = {"data": {"expires_at": 1749086400}}


def processing(state, **info):
    """X's answer to finalize and to STATUS: the upload, and how far X got."""
    return {
        "data": {
            "id": VIDEO_ID,
            "media_key": f"7_{VIDEO_ID}",
            "size": 1048576,
            "expires_after_secs": 86400,
            "processing_info": {"state": state, **info},
        }
    }


FINALIZED = processing("pending", check_after_secs=1)
PROCESSING = processing("in_progress", check_after_secs=2, progress_percent=40)
PROCESSED = processing("succeeded", progress_percent=100)
PROCESSING_FAILED = processing(
    "failed",
    progress_percent=100,
    error={"code": 1, "name": "InvalidMedia", "message": "Unsupported video format"},
)

# POST /2/media/metadata -> 200
DESCRIBED = {
    "data": {
        "id": MEDIA_ID,
        "associated_metadata": {"alt_text": {"text": "A cat asleep on a keyboard"}},
    }
}

# 400 for media ids X does not know yet (or any more), or of another account.
MEDIA_IDS_INVALID = {
    "errors": [
        {
            "parameters": {"media.media_ids": [MEDIA_ID]},
            "message": "Your media IDs are invalid.",
        }
    ],
    "title": "Invalid Request",
    "detail": "One or more parameters to your request was invalid.",
    "type": "https://api.x.com/2/problems/invalid-request",
}

# 403 for a reply to someone who did not summon the bot (2026).
NOT_SUMMONED = {
    "detail": "Reply to this conversation is not allowed because you have not "
    "been mentioned or otherwise engaged by the author of the post you are "
    "replying to.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}


def created(post_id):
    """X's 201 for a new post with this id."""
    return {"data": {"edit_history_tweet_ids": [post_id], "id": post_id, "text": "…"}}
