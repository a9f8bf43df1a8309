"""``python -m sandbox``: run the X sandbox until Ctrl-C."""

import argparse
import errno
import sys
import threading

from sandbox import Sandbox


def port_number(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535)")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="A stand-in for X's API (api.x.com) on this computer.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    parser.add_argument(
        "--port",
        type=port_number,
        default=8765,
        help="default: 8765; 0 picks a free port",
    )
    parser.add_argument(
        "--strict-host",
        action="store_true",
        help="accept only signatures made for the URL requested, not for "
        "https://api.x.com or https://api.twitter.com",
    )
    args = parser.parse_args(argv)

    sandbox = Sandbox(
        args.host, args.port, log_requests=True, public_roots=not args.strict_host
    )
    try:
        sandbox.start()
    except OSError as error:
        fix = "choose another --host or --port"
        if error.errno == errno.EADDRINUSE:
            fix = (
                "another program (another sandbox?) uses that port: choose "
                "another with --port (--port 0 picks a free one)"
            )
        reason = error.strerror or error.__class__.__name__
        where = f"{args.host}:{args.port}"
        print(
            f"{parser.prog}: error: cannot listen on {where} ({reason}): {fix}.",
            file=sys.stderr,
        )
        return 2
    try:
        url = sandbox.base_url
        print(f"X sandbox running at {url} (posts made: {url}/)")
        print("Use this app's API key and secret (fake, for the sandbox only):")
        print(f"  API key:    {sandbox.consumer_key}")
        print(f"  API secret: {sandbox.consumer_secret}")
        print("Point the bot at the sandbox:")
        print(f"  export TWITTER_API_BASE_URL={url}")
        if args.strict_host:
            print(f"Signatures must be made for {url} itself (--strict-host).")
        print("Press Ctrl-C to stop. Requests:", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    print("Sandbox stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
