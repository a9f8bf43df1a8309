"""Names this bot shares with its users: the command and the variables it reads."""

COMMAND = "{{ cookiecutter.bot_slug }}"

CONSUMER_KEY = "TWITTER_CONSUMER_KEY"
CONSUMER_SECRET = "TWITTER_CONSUMER_SECRET"  # noqa: S105 (a name, not a secret)
ACCESS_TOKEN = "TWITTER_ACCESS_TOKEN"  # noqa: S105
ACCESS_TOKEN_SECRET = "TWITTER_ACCESS_TOKEN_SECRET"  # noqa: S105
CREDENTIAL_NAMES = (CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET)

API_BASE_URL = "TWITTER_API_BASE_URL"
X_API_ROOT = "https://api.x.com"  # the host X documents
# X's roots: api.twitter.com still answers, and tokens work at both.
X_API_ROOTS = (X_API_ROOT, "https://api.twitter.com")
