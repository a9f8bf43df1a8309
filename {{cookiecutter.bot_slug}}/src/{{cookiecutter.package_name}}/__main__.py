"""``python -m {{ cookiecutter.package_name }}`` does what the ``{{ cookiecutter.bot_slug }}`` command does."""

from .cli import main

raise SystemExit(main())
