"""What X sends back, byte for byte, as recorded from X and its documentation.

Every error body here is copied from recorded X responses, so code that handles
the sandbox's errors handles X's. Parts marked "inferred" were not recorded.
A problem document's ``type`` names the root the request was addressed to
(``https://api.x.com`` or ``https://api.twitter.com``), as X's do: the
functions below take that ``root``.
"""

import json
from dataclasses import dataclass, field

JSON = "application/json; charset=utf-8"
TEXT = "text/plain"
XML = "application/xml"
FORM = "application/x-www-form-urlencoded"
HTML = "text/html; charset=utf-8"
OAUTH_HTML = "text/html;charset=utf-8"  # sic: X's OAuth endpoints, no space

# OAuth endpoints (/oauth/...): v1.1-style errors.
COULD_NOT_AUTHENTICATE = (
    b'{"errors":[{"code":32,"message":"Could not authenticate you."}]}'
)
INVALID_VERIFIER = (
    b"Error processing your OAuth request: Invalid oauth_verifier parameter"
)
INVALID_REQUEST_TOKEN = b"Invalid request token"
CALLBACK_NOT_APPROVED = (
    b"<?xml version='1.0' encoding='UTF-8'?>"
    b'<errors><error code="415">Callback URL not approved for this client '
    b"application. Approved callback URLs can be adjusted in your application "
    b"settings</error></errors>"
)
PAGE_DOES_NOT_EXIST = (
    b'{"errors":[{"message":"Sorry, that page does not exist","code":34}]}'
)


def could_not_authenticate_header(root: str) -> str:
    """X's ``www-authenticate`` header on a 401 "Could not authenticate you"."""
    return f'OAuth realm="{root}", api_error_code=32'


def invalid_verifier_header(root: str) -> str:
    """The ``www-authenticate`` header on a wrong PIN (the realm only: inferred)."""
    return f'OAuth realm="{root}"'


# v2 endpoints (/2/...): problem documents.
UNAUTHORIZED = (
    b'{"title":"Unauthorized","type":"about:blank","status":401,'
    b'"detail":"Unauthorized"}'
)
DUPLICATE_CONTENT = (
    b'{"detail":"You are not allowed to create a Tweet with duplicate content.",'
    b'"type":"about:blank","title":"Forbidden","status":403}'
)
NOT_YOUR_TWEET = (  # inferred
    b'{"title":"Forbidden","detail":"You are not allowed to delete this Tweet.",'
    b'"type":"about:blank","status":403}'
)
TOO_MANY_REQUESTS = (  # inferred
    b'{"title":"Too Many Requests","detail":"Too Many Requests",'
    b'"type":"about:blank","status":429}'
)
SERVICE_UNAVAILABLE = (  # inferred
    b'{"title":"Service Unavailable","detail":"Service Unavailable",'
    b'"type":"about:blank","status":503}'
)
PAYLOAD_TOO_LARGE = (  # inferred: X's 413 to a 5 MiB chunk was recorded, not its body
    b'{"title":"Payload Too Large","detail":"Payload Too Large",'
    b'"type":"about:blank","status":413}'
)
INTERNAL_SERVER_ERROR = (  # inferred: X's 500 to metadata without its wrapper
    b'{"title":"Internal Server Error","detail":"Internal Server Error",'
    b'"type":"about:blank","status":500}'
)
REPLY_TO_INVISIBLE = (
    b'{"detail":"You attempted to reply to a Tweet that is deleted or not '
    b'visible to you.","type":"about:blank","title":"Forbidden","status":403}'
)
REPLY_NOT_SUMMONED = (  # X's "summoned replies" rule for self-serve apps (2026)
    b'{"detail":"Reply to this conversation is not allowed because you have not '
    b"been mentioned or otherwise engaged by the author of the post you are "
    b'replying to.","type":"about:blank","title":"Forbidden","status":403}'
)
# Messages inside the invalid-request envelope below, recorded.
NOT_JSON_MESSAGE = "Requests with bodies must have content-type of application/json."
INVALID_JSON_MESSAGE = "Request body is not valid JSON."
SEGMENTS_DO_NOT_ADD_UP = "Segments do not add up to provided total file size."
MEDIA_NOT_FOUND = "BadRequest: Not found"  # media STATUS: unknown id, or an image
TEXT_TOO_LONG_MESSAGE = (
    "Your Tweet text is too long. For more information on how Twitter "
    "determines text length see https://github.com/twitter/twitter-text."
)


def compact_json(value: object) -> bytes:
    """Serialize like X does: no spaces, non-ASCII characters kept as UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def forbidden(root: str, problem: str, detail: str) -> bytes:
    """A 403 problem document, its keys in the order X sends them."""
    return compact_json(
        {
            "title": "Forbidden",
            "status": 403,
            "detail": detail,
            "type": f"{root}/2/problems/{problem}",
        }
    )


def no_write_permission(root: str) -> bytes:
    detail = (
        "Your client app is not configured with the appropriate oauth1 app "
        "permissions for this endpoint."
    )
    return forbidden(root, "oauth1-permissions", detail)


def credits_depleted(root: str) -> bytes:
    return compact_json(
        {
            "detail": "credits depleted",
            "status": 402,
            "title": "Payment Required",
            "type": f"{root}/2/problems/credits-depleted",
        }
    )


def client_not_enrolled(root: str) -> bytes:
    """403 for an app on no usable package (type recorded; detail inferred)."""
    detail = (
        "Your client app is not enrolled in a product package that gives "
        "access to this endpoint."
    )
    return forbidden(root, "client-not-enrolled", detail)


def client_forbidden(root: str) -> bytes:
    """403 for an app outside a usable project (type recorded; detail inferred)."""
    detail = (
        "When authenticating requests to the Twitter API v2 endpoints, you must "
        "use keys and tokens from a Twitter developer App that is attached to a "
        "Project. You can create a project via the developer portal."
    )
    return forbidden(root, "client-forbidden", detail)


def invalid_request(root: str, message: str) -> bytes:
    """X's 400 envelope around one error message (recorded around
    MEDIA_NOT_FOUND; the other messages in it are inferred unless marked)."""
    return compact_json(
        {
            "errors": [{"message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": f"{root}/2/problems/invalid-request",
        }
    )


def media_ids_invalid(root: str, media_ids: list[str]) -> bytes:
    """400 to a post whose media ids are unknown, expired, unprocessed, another
    account's or a forbidden mix (recorded, with one id; which ids X lists
    when several are sent is inferred: all of them)."""
    return compact_json(
        {
            "errors": [
                {
                    "parameters": {"media.media_ids": media_ids},
                    "message": "Your media IDs are invalid.",
                }
            ],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": f"{root}/2/problems/invalid-request",
        }
    )


def text_too_long(root: str) -> bytes:
    return invalid_request(root, TEXT_TOO_LONG_MESSAGE)


def tweet_not_found(root: str, tweet_id: str) -> bytes:
    """A 404 problem document for an unknown post id (inferred)."""
    return compact_json(
        {
            "title": "Not Found Error",
            "detail": f"Could not find tweet with id: [{tweet_id}].",
            "type": f"{root}/2/problems/resource-not-found",
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
