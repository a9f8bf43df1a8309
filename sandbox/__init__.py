"""A loopback stand-in for X's API (api.x.com), for tests and classrooms.

Run it with ``python -m sandbox``, or from Python::

    from sandbox import Sandbox

    with Sandbox() as sandbox:
        ...  # point the client at sandbox.base_url
"""

from sandbox.server import DEFAULT_CONSUMER_KEY, DEFAULT_CONSUMER_SECRET, Sandbox

__all__ = ["DEFAULT_CONSUMER_KEY", "DEFAULT_CONSUMER_SECRET", "Sandbox"]
