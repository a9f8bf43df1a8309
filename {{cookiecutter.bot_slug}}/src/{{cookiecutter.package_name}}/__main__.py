"""``python -m <package>`` does what the bot's console command does."""

from .cli import main

raise SystemExit(main())
