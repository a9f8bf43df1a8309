"""What X sends back, byte for byte (see shared/X_API_FACTS.md).

Every error body here is copied from recorded X responses, so code that handles
the sandbox's errors handles X's. Bodies marked "inferred" were not recorded.
"""

import json
from dataclasses import dataclass, field

JSON = "application/json"
TEXT = "text/plain"
XML = "application/xml"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html; charset=utf-8"

# OAuth endpoints (/oauth/...): v1.1-style errors.
COULD_NOT_AUTHENTICATE = (
    b'{"errors":[{"code":32,"message":"Could not authenticate you."}]}'
)
INVALID_VERIFIER = (
    b"Error processing your OAuth request: Invalid oauth_verifier parameter"
)
INVALID_REQUEST_TOKEN = b"Invalid request token"
CALLBACK_NOT_APPROVED = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<errors><error code="415">Callback URL not approved for this client '
    b"application. Approved callback URLs can be adjusted in your application "
    b"settings</error></errors>"
)
PAGE_DOES_NOT_EXIST = (
    b'{"errors":[{"message":"Sorry, that page does not exist","code":34}]}'
)

# v2 endpoints (/2/...): problem documents.
UNAUTHORIZED = (
    b'{"title":"Unauthorized","type":"about:blank","status":401,'
    b'"detail":"Unauthorized"}'
)
DUPLICATE_CONTENT = (
    b'{"detail":"You are not allowed to create a Tweet with duplicate content.",'
    b'"type":"about:blank","title":"Forbidden","status":403}'
)
NO_WRITE_PERMISSION = (
    b'{"title":"Forbidden","status":403,"detail":"Your client app is not '
    b"configured with the appropriate oauth1 app permissions for this "
    b'endpoint.","type":"https://api.twitter.com/2/problems/oauth1-permissions"}'
)
NOT_YOUR_TWEET = (  # inferred
    b'{"title":"Forbidden","detail":"You are not allowed to delete this Tweet.",'
    b'"type":"about:blank","status":403}'
)
TOO_MANY_REQUESTS = (  # inferred
    b'{"title":"Too Many Requests","detail":"Too Many Requests",'
    b'"type":"about:blank","status":429}'
)
CREDITS_DEPLETED = (
    b'{"detail":"credits depleted","status":402,"title":"Payment Required",'
    b'"type":"https://api.x.com/2/problems/credits-depleted"}'
)
SERVICE_UNAVAILABLE = (  # inferred
    b'{"title":"Service Unavailable","detail":"Service Unavailable",'
    b'"type":"about:blank","status":503}'
)
TEXT_TOO_LONG_MESSAGE = (
    "Your Tweet text is too long. For more information on how Twitter "
    "determines text length see https://github.com/twitter/twitter-text."
)


def compact_json(value: object) -> bytes:
    """Serialize like X does: no spaces, non-ASCII characters kept as UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def invalid_request(message: str) -> bytes:
    """X's 400 envelope (inferred) around one error message."""
    return compact_json(
        {
            "errors": [{"message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        }
    )


TEXT_TOO_LONG = invalid_request(TEXT_TOO_LONG_MESSAGE)


def tweet_not_found(tweet_id: str) -> bytes:
    """A 404 problem document for an unknown post id (inferred)."""
    return compact_json(
        {
            "title": "Not Found Error",
            "detail": f"Could not find tweet with id: [{tweet_id}].",
            "type": "https://api.twitter.com/2/problems/resource-not-found",
            "status": 404,
        }
    )


@dataclass
class Reply:
    """One HTTP response, ready to be written to the socket."""

    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
