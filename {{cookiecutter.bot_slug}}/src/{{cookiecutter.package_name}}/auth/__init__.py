"""Authorization: the PIN flow, the private ``.env`` writer, the tw.json import."""

from .pin import authorize
from .tutorial import import_credentials

__all__ = ["authorize", "import_credentials"]
