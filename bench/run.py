"""Benchmark a generated bot against its performance budget.

    .venv/bin/python bench/run.py            # 15 rounds per pair
    .venv/bin/python bench/run.py --quick    # 3 rounds: checks the benchmark runs

It starts the sandbox, generates a bot into a temporary folder, installs it in
a fresh virtual environment, then times each pair of commands interleaved
(A B A B ...) and compares medians: absolute times on shared machines are
noise, ratios measured side by side are not. It also counts the HTTP requests
each bot command makes, from the sandbox's request log.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox import Sandbox  # noqa: E402
from sandbox.person import approve  # noqa: E402

BARE_SCRIPT = '''\
"""The tutorial's bare script: a tweepy.Client from the four values, one post."""
import os
import sys

import tweepy
from requests.adapters import HTTPAdapter


class ToSandbox(HTTPAdapter):
    def send(self, request, **kwargs):
        request.url = request.url.replace(
            "https://api.twitter.com", os.environ["TWITTER_API_BASE_URL"], 1
        )
        return super().send(request, **kwargs)


client = tweepy.Client(
    consumer_key=os.environ["TWITTER_CONSUMER_KEY"],
    consumer_secret=os.environ["TWITTER_CONSUMER_SECRET"],
    access_token=os.environ["TWITTER_ACCESS_TOKEN"],
    access_token_secret=os.environ["TWITTER_ACCESS_TOKEN_SECRET"],
)
client.session.mount("https://api.twitter.com/", ToSandbox())
print(client.create_tweet(text=sys.argv[1], user_auth=True).data["id"])
'''


@dataclass
class Row:
    what: str
    against: str
    measured: str
    budget: str
    ok: bool


# A real 1×1 PNG, for the picture post.
PIXEL_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
    b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xdf\xc3\x00\x00\x04\x19"
    b"\x01\x8c\xefA\xbc#\x00\x00\x00\x00IEND\xaeB`\x82"
)


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def ratio_row(
    what: str,
    against: str,
    bot: list[str] | callable,
    baseline: list[str] | callable,
    budget: float,
    rounds: int,
    env: dict[str, str],
    cwd: Path,
) -> Row:
    """Median of ``bot`` over median of ``baseline``, run interleaved."""
    bot_times, base_times = [], []
    for index in range(rounds + 1):
        a = bot(index) if callable(bot) else bot
        b = baseline(index) if callable(baseline) else baseline
        bot_time, base_time = timed(a, env, cwd), timed(b, env, cwd)
        if index:  # the first round warms caches
            bot_times.append(bot_time)
            base_times.append(base_time)
    bot_median = statistics.median(bot_times)
    base_median = statistics.median(base_times)
    ratio = bot_median / base_median
    measured = (
        f"{ratio:.2f}× ({bot_median * 1000:.0f} ms / {base_median * 1000:.0f} ms)"
    )
    return Row(what, against, measured, f"≤ {budget:.2f}×", ratio <= budget)


def make_bot(work: Path) -> tuple[Path, Path]:
    """Generate and install a bot; return (project folder, its venv's bin)."""
    subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", str(ROOT),
         "-o", str(work), "bot_name=Bench Bot", "authorize_now=no"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    project = work / "bench-bot"
    environment = work / "venv"
    venv.create(environment, with_pip=True)
    bin_dir = environment / "bin"
    subprocess.run(
        [bin_dir / "python", "-m", "pip", "install", "--quiet", str(project)],
        check=True,
    )
    return project, bin_dir


def count_requests(
    sandbox: Sandbox, command: list[str], env: dict[str, str], cwd: Path
) -> int:
    before = len(sandbox.requests)
    subprocess.run(command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return len(sandbox.requests) - before


def count_auth_requests(
    sandbox: Sandbox, bot: Path, env: dict[str, str], cwd: Path
) -> int:
    """Requests the bot makes during `auth`, not counting the browser's page."""
    import pexpect

    before = len(sandbox.requests)
    child = pexpect.spawn(
        str(bot), ["auth", "--env-file", str(cwd / ".env")], env=env,
        encoding="utf-8", timeout=60, cwd=str(cwd),
    )  # fmt: skip
    child.expect(r"(http://\S+/oauth/authorize\?\S+)")
    pin = approve(child.match.group(1))
    child.expect("PIN: ")
    child.sendline(pin)
    child.expect(pexpect.EOF)
    made = sandbox.requests[before:]
    return sum(1 for method, path in made if path != "/oauth/authorize")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark a generated bot.")
    parser.add_argument("--quick", action="store_true", help="3 rounds per pair")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else args.rounds

    with tempfile.TemporaryDirectory() as folder, Sandbox(port=0) as sandbox:
        work = Path(folder)
        print("Generating and installing a bot...", flush=True)
        project, bin_dir = make_bot(work)
        python, bot = str(bin_dir / "python"), str(bin_dir / "bench-bot")
        token, secret = sandbox.issue_token(username="bench_bot")
        env = {k: v for k, v in os.environ.items() if not k.startswith("TWITTER_")}
        env.update(
            TWITTER_API_BASE_URL=sandbox.base_url,
            TWITTER_CONSUMER_KEY=sandbox.consumer_key,
            TWITTER_CONSUMER_SECRET=sandbox.consumer_secret,
            TWITTER_ACCESS_TOKEN=token,
            TWITTER_ACCESS_TOKEN_SECRET=secret,
        )
        run_dir = work / "run"  # no .env here: both sides read the environment
        run_dir.mkdir()
        (run_dir / "bare.py").write_text(BARE_SCRIPT)
        text = "A post from the benchmark, round"
        cookiecutter = [sys.executable, "-m", "cookiecutter", "--no-input", "-f",
                        str(ROOT), "-o", str(work / "baked")]  # fmt: skip

        print(f"Timing {rounds} rounds per pair...", flush=True)
        rows = [
            ratio_row("`bot --help`", "`python -c 'import bench_bot'`",
                      [bot, "--help"], [python, "-c", "import bench_bot"],
                      1.15, rounds, env, run_dir),
            ratio_row("`bot --help`", "`python -c 'import tweepy'`",
                      [bot, "--help"], [python, "-c", "import tweepy"],
                      1.3, rounds, env, run_dir),
            ratio_row("`bot post --dry-run TEXT`",
                      "`python -c 'import tweepy, dotenv'`",
                      [bot, "post", "--dry-run", text],
                      [python, "-c", "import tweepy, dotenv"],
                      1.25, rounds, env, run_dir),
            ratio_row("`bot post TEXT` (sandbox)", "bare tweepy script",
                      lambda i: [bot, "post", f"{text} {i} (bot)"],
                      lambda i: [python, "bare.py", f"{text} {i} (bare)"],
                      2.0, rounds, env, run_dir),
            ratio_row("`cookiecutter --no-input` (authorize_now=no)",
                      "the same with `--accept-hooks no`",
                      [*cookiecutter, "authorize_now=no"],
                      [*cookiecutter, "--accept-hooks", "no"],
                      1.3, rounds, env, run_dir),
        ]  # fmt: skip
        (run_dir / "pixel.png").write_bytes(PIXEL_PNG)
        picture = [bot, "post", "a picture", "--media", "pixel.png", "--alt", "A dot"]
        thread = [bot, "post", "thread, 1", "thread, 2", "thread, 3"]
        counts = {
            "post": count_requests(sandbox, [bot, "post", "counted"], env, run_dir),
            "post with a picture": count_requests(sandbox, picture, env, run_dir),
            "3-part thread": count_requests(sandbox, thread, env, run_dir),
            "whoami": count_requests(sandbox, [bot, "whoami"], env, run_dir),
            "auth": count_auth_requests(sandbox, Path(bot), env, run_dir),
        }
        # A picture: upload, alt text, post. A thread: one post per part.
        expected = {
            "post": 1,
            "post with a picture": 3,
            "3-part thread": 3,
            "whoami": 1,
            "auth": 3,
        }
        rows.append(
            Row(
                "HTTP requests per command",
                "sandbox request log",
                ", ".join(f"{name} {count}" for name, count in counts.items()),
                ", ".join(f"{name} {count}" for name, count in expected.items()),
                counts == expected,
            )
        )

    print()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {rounds} rounds")
    print()
    print("| what | measured against | result | budget | ok |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        cells = [row.what, row.against, row.measured, row.budget]
        print(f"| {' | '.join(cells)} | {'pass' if row.ok else 'FAIL'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
