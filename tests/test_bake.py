"""Baking the template gives a sane, installable, tested project for any answers.

What cookiecutter does with Jinja-looking answers (checked below):

- A value given as extra context (``extra_context=`` in the Python API, or
  ``name=value`` on the command line) replaces the default in
  cookiecutter.json and is *rendered as a Jinja template* like every default:
  ``{{ 7 * 7 }} {% raw %}`` becomes ``"49 "`` (an unterminated ``{% raw %}``
  at the very end swallows nothing; anywhere else it is a
  TemplateSyntaxError before anything is written). The names derived from it
  are then ``49`` and ``bot_49``. To pass literal braces as extra context,
  wrap them in ``{% raw %}...{% endraw %}``.
- An answer typed at the prompt is kept literally (only the default shown in
  the prompt is rendered), and values are never rendered a second time when
  they are inserted into the files.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import pytest
from helpers import CREDENTIAL_NAMES, TEMPLATE_DIR, git, load_hook, project_of, run

from sandbox.length import RULE_FILE

JINJA_MARKERS = ("{{", "{%")
WORKFLOW_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
SKIPPED_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}


@dataclass(frozen=True)
class Case:
    answers: dict[str, Any]
    bot_name: str  # as it must appear in the project
    slug: str
    package: str
    literal_text: str = ""  # answer text that may hold "{{" or "{%" on purpose


CASES = {
    "default": Case({}, "My Bot", "my-bot", "my_bot"),
    "acme": Case({"bot_name": "Acme Bot"}, "Acme Bot", "acme-bot", "acme_bot"),
    "quotes-and-backslashes": Case(
        {"bot_name": 'Bob\'s "Best" \\\\ Bot'},
        'Bob\'s "Best" \\\\ Bot',
        "bob-s-best-bot",
        "bob_s_best_bot",
    ),
    "trailing-backslash": Case(
        {"bot_name": "Ends in a backslash \\"},
        "Ends in a backslash \\",
        "ends-in-a-backslash",
        "ends_in_a_backslash",
    ),
    "long-name": Case(
        {"bot_name": "Neighbourhood Weather and Tide Announcements Bot"},
        "Neighbourhood Weather and Tide Announcements Bot",
        "neighbourhood-weather-and-tide-announcements-bot",
        "neighbourhood_weather_and_tide_announcements_bot",
    ),
    # A command may start with a digit, a Python name may not.
    "starts-with-a-digit": Case(
        {"bot_name": "24/7 News Bot"},
        "24/7 News Bot",
        "24-7-news-bot",
        "bot_24_7_news_bot",
    ),
    "non-ascii": Case(
        {"bot_name": "Café Ünïcode 🤖 Bot"},
        "Café Ünïcode 🤖 Bot",
        "cafe-unicode-bot",
        "cafe_unicode_bot",
    ),
    # Extra context is rendered by cookiecutter: the name becomes "49 ".
    "jinja-rendered-by-cookiecutter": Case(
        {
            "bot_name": "{{ 7 * 7 }} {% raw %}",
            "bot_slug": "jinja-bot",
            "package_name": "jinja_bot",
        },
        "49 ",
        "jinja-bot",
        "jinja_bot",
    ),
    # The names are derived from the rendered name.
    "jinja-rendered-into-the-names": Case(
        {"bot_name": "{{ 7 * 7 }} {% raw %}"}, "49 ", "49", "bot_49"
    ),
    # What a typed answer amounts to: the braces reach the files as text.
    "jinja-kept-literal": Case(
        {
            "bot_name": "{% raw %}{{ 7 * 7 }} {% raw %}{% endraw %}",
            "bot_slug": "jinja-bot",
            "package_name": "jinja_bot",
        },
        "{{ 7 * 7 }} {% raw %}",
        "jinja-bot",
        "jinja_bot",
        literal_text="{{ 7 * 7 }} {% raw %}",
    ),
    "bot-handle": Case(
        {"bot_name": "Acme Bot", "bot_handle": "AcmeBot_01"},
        "Acme Bot",
        "acme-bot",
        "acme_bot",
    ),
    "author-with-emoji": Case(
        {"author_name": 'Zoë "Z" O\'Brien 🐍 \\'},
        "My Bot",
        "my-bot",
        "my_bot",
    ),
}


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def baked(request, cookies_session) -> tuple[Case, Path]:
    case = CASES[request.param]
    result = cookies_session.bake(extra_context=case.answers)
    return case, project_of(result)


def project_files(project: Path) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(project):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        found.extend(Path(folder, name) for name in sorted(files + dirs))
    return found


def test_project_folder_and_package_are_named_from_the_answers(baked) -> None:
    case, project = baked
    assert project.name == case.slug
    assert (project / "src" / case.package / "__init__.py").is_file()
    assert (project / "src" / case.package / "__main__.py").is_file()


def test_no_unrendered_jinja_is_left(baked) -> None:
    case, project = baked
    problems = []
    for path in project_files(project):
        relative = path.relative_to(project)
        if any(marker in str(relative) for marker in JINJA_MARKERS):
            problems.append(f"{relative}: unrendered Jinja in the path")
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if case.literal_text:
            text = text.replace(case.literal_text, "")
        if relative.parts[:2] == (".github", "workflows"):
            # Copied without rendering: GitHub's own ${{ }} stays.
            text = WORKFLOW_EXPRESSION.sub("", text)
        for number, line in enumerate(text.splitlines(), 1):
            if any(marker in line for marker in JINJA_MARKERS):
                problems.append(f"{relative}:{number}: {line.strip()}")
    assert problems == []


def test_length_rule_is_the_file_the_sandbox_uses(baked) -> None:
    """The sandbox loads the template's length.py unrendered: Jinja must not
    change a byte of it, or the bot and the sandbox would count differently."""
    case, project = baked
    rendered = project / "src" / case.package / "length.py"
    assert rendered.read_bytes() == RULE_FILE.read_bytes()


def readme_tree_modules() -> set[str]:
    """The package's modules as the README's "What gets generated" tree lists
    them, e.g. ``auth/pin.py`` (relative to ``src/my_bot/``)."""
    readme = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    tree = readme.split("## What gets generated", 1)[1].split("```")[1]
    modules, folders = set(), []
    for line in tree.splitlines():
        match = re.match(r"([│ ]*)[├└]── (\S+)", line)
        if not match:
            continue
        depth, name = len(match.group(1)) // 4, match.group(2)
        folders[depth:] = [name.rstrip("/")] if name.endswith("/") else []
        if name.endswith(".py"):
            modules.add("/".join([*folders[:depth], name]))
    return {
        module.removeprefix("src/my_bot/")
        for module in modules
        if module.startswith("src/my_bot/")
    }


def test_readme_tree_lists_every_module_of_the_package() -> None:
    source = TEMPLATE_DIR / "{{cookiecutter.bot_slug}}" / "src"
    package = source / "{{cookiecutter.package_name}}"
    modules = {path.relative_to(package).as_posix() for path in package.rglob("*.py")}
    assert readme_tree_modules() == modules


def test_pyproject_parses_and_names_the_bot(baked) -> None:
    case, project = baked
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    metadata = data["project"]
    assert metadata["name"] == case.slug
    assert case.bot_name in metadata["description"]
    author = case.answers.get("author_name", "Bot Maker")
    assert {"name": author} in metadata["authors"]
    assert metadata["scripts"][case.slug].startswith(f"{case.package}.")


def test_gitignore_keeps_credentials_out_of_git(baked) -> None:
    _, project = baked
    if not (project / ".git").exists():
        git(project, "init", "-q")
    for ignored in (".env", ".env.local", "tw.json"):
        assert git(project, "check-ignore", "-q", ignored).returncode == 0, ignored
    assert git(project, "check-ignore", "-q", ".env.example").returncode == 1


def test_env_example_lists_the_four_names_with_empty_values(baked) -> None:
    _, project = baked
    lines = (project / ".env.example").read_text(encoding="utf-8").splitlines()
    entries = [
        line.split("=", 1)
        for line in map(str.strip, lines)
        if line and not line.startswith("#")
    ]
    assert sorted(name for name, _ in entries) == sorted(CREDENTIAL_NAMES)
    assert [value for _, value in entries] == ["", "", "", ""]


@pytest.mark.parametrize(
    "command", [["check", "."], ["format", "--check", "."]], ids=["check", "format"]
)
def test_ruff_is_clean_on_the_baked_project(baked, command: list[str]) -> None:
    _, project = baked
    result = run(
        [sys.executable, "-m", "ruff", *command, "--no-cache"], cwd=project, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_answers_typed_at_the_prompt_are_not_rendered(cli_env, tmp_path: Path) -> None:
    name = "Jinja {{ 7 * 7 }} {% raw %} Bot"
    result = run(
        [sys.executable, "-m", "cookiecutter", ".", "-o", tmp_path, "authorize_now=no"],
        cwd=TEMPLATE_DIR,
        env=cli_env,
        input_text=name + "\n" * 20,  # the name, then every default
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    project = tmp_path / "jinja-7-7-raw-bot"
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["description"].endswith(name)


def test_cli_with_default_answers_and_closed_stdin_finishes(
    cli_env, tmp_path: Path
) -> None:
    """authorize_now stays true: the post-gen hook must notice there is no input."""
    result = run(
        [sys.executable, "-m", "cookiecutter", "--no-input", ".", "-o", tmp_path],
        cwd=TEMPLATE_DIR,
        env=cli_env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output, output
    project = tmp_path / "my-bot"
    assert (project / "pyproject.toml").is_file()
    assert (project / "src" / "my_bot" / "__init__.py").is_file()
    assert not (project / ".env").exists()


# --- The expensive part: install a baked project and use it, once. ---------

FAKE_CREDENTIALS = {
    name: f"fake-{name.lower().replace('_', '-')}-0123456789"
    for name in CREDENTIAL_NAMES
}


@dataclass(frozen=True)
class Installed:
    project: Path
    bin: Path
    env: dict[str, str]

    @property
    def python(self) -> Path:
        return self.bin / ("python.exe" if os.name == "nt" else "python")


@pytest.fixture(scope="module")
def installed(cookies_session, tmp_path_factory, cli_env) -> Installed:
    """Acme Bot, installed with its test extras into a fresh virtual environment."""
    project = project_of(cookies_session.bake(extra_context={"bot_name": "Acme Bot"}))
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    result = run(
        [sys.executable, "-m", "venv", venv], cwd=root, env=cli_env, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {**cli_env, "VIRTUAL_ENV": str(venv)}
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")])
    result = run(
        [bin_dir / "python", "-m", "pip", "install", "-q", "-e", ".[test]"],
        cwd=project,
        env={**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        timeout=300,
    )
    status = result.returncode
    assert status == 0, tail(result.stdout + result.stderr)
    return Installed(project=project, bin=bin_dir, env=env)


def tail(output: str, lines: int = 80) -> str:
    """The end of a long output, enough to see what failed."""
    return "\n".join(output.splitlines()[-lines:])


def summary_counts(output: str) -> dict[str, int]:
    """Counts from pytest's final summary line, e.g. {"passed": 63}."""
    pattern = re.compile(
        r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)"
    )
    for line in reversed(output.splitlines()):
        counts = pattern.findall(line)
        if counts and " in " in line:
            return {
                word.rstrip("s") if word == "errors" else word: int(n)
                for n, word in counts
            }
    return {}


def run_installed(
    installed: Installed, *command: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in the installed project, as its owner would."""
    return run(
        command,
        cwd=installed.project,
        env=installed.env if env is None else env,
        timeout=300,
    )


@pytest.mark.slow
def test_generated_test_suite_passes_and_is_substantial(installed: Installed) -> None:
    result = run_installed(
        installed, installed.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"
    )
    output = tail(result.stdout + result.stderr)
    status, counts = result.returncode, summary_counts(result.stdout)
    assert status == 0, output
    assert counts.get("failed", 0) == 0 and counts.get("error", 0) == 0, output
    assert counts.get("passed", 0) >= 50, output


@pytest.mark.slow
def test_dry_run_with_credentials_in_the_environment(installed: Installed) -> None:
    result = run_installed(
        installed,
        installed.python,
        *("-m", "acme_bot", "post", "--dry-run", "hi"),
        env={**installed.env, **FAKE_CREDENTIALS},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for secret in FAKE_CREDENTIALS.values():
        assert secret not in output


@pytest.mark.slow
def test_missing_credentials_are_named_in_one_line(installed: Installed) -> None:
    result = run_installed(
        installed, installed.python, "-m", "acme_bot", "post", "--dry-run", "hi"
    )
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for name in CREDENTIAL_NAMES:
        assert name in lines[0]


@pytest.mark.slow
def test_console_command_is_installed(installed: Installed) -> None:
    command = installed.bin / ("acme-bot.exe" if os.name == "nt" else "acme-bot")
    result = run_installed(installed, command, "--help")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "post" in result.stdout


def top_level_modules(distribution: importlib.metadata.Distribution) -> set[str]:
    """The names that a distribution's installed files make importable."""
    modules = set()
    for file in distribution.files or ():
        top = file.parts[0]
        if top in ("..", "__pycache__") or top.endswith((".dist-info", ".data")):
            continue  # scripts in bin/, and metadata
        if len(file.parts) > 1:
            modules.add(top)
        elif file.suffix in (".py", ".so", ".pyd"):
            modules.add(top.split(".")[0])
    return modules


def normalized(distribution_name: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution_name).lower()


@pytest.mark.slow
def test_every_name_the_install_brings_is_refused_for_the_bot(
    installed: Installed,
) -> None:
    """The pre-generation hook's lists of names hold what a fresh venv with the
    bot and its test extras holds: distributions, modules and commands."""
    rules = load_hook("pre_gen_project")
    venv = str(installed.bin.parent)
    site_packages = sysconfig.get_path("purelib", vars={"base": venv, "platbase": venv})
    dependencies = [
        distribution
        for distribution in importlib.metadata.distributions(path=[site_packages])
        if normalized(distribution.metadata["Name"]) != "acme-bot"
    ]
    assert len(dependencies) > 10, site_packages
    distributions = {normalized(d.metadata["Name"]) for d in dependencies}
    modules = set().union(*map(top_level_modules, dependencies))
    commands = {
        path.name.removesuffix(".exe").lower()
        for path in installed.bin.iterdir()
        if rules.SLUG_PATTERN.fullmatch(path.name.removesuffix(".exe"))
    } - {"acme-bot"}
    missing = {
        "DEPENDENCY_DISTRIBUTIONS": distributions - rules.DEPENDENCY_DISTRIBUTIONS,
        "DEPENDENCY_MODULES": modules - rules.DEPENDENCY_MODULES,
        "COMMANDS": commands - rules.COMMANDS,
    }
    # A dependency that gains a sub-dependency fails here: say what to add where.
    to_add = [f"{name} needs {sorted(new)}" for name, new in missing.items() if new]
    assert not to_add, "hooks/pre_gen_project.py: " + "; ".join(to_add)


@pytest.mark.slow
def test_the_longest_names_accepted_still_install(
    cookies, tmp_path: Path, cli_env
) -> None:
    """pip names files after the bot: the longest accepted names must fit."""
    longest = load_hook("pre_gen_project").LONGEST_NAME
    slug, package = "a" * longest, "b" * longest
    answers = {"bot_slug": slug, "package_name": package}
    project = project_of(cookies.bake(extra_context=answers))
    result = run([sys.executable, "-m", "venv", tmp_path], cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    bin_dir = tmp_path / ("Scripts" if os.name == "nt" else "bin")
    result = run(
        [bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", "-e", "."],
        cwd=project,
        env={**cli_env, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        timeout=300,
    )
    assert result.returncode == 0, tail(result.stdout + result.stderr)
    assert (bin_dir / (slug + (".exe" if os.name == "nt" else ""))).is_file()
