"""Lighthouse on the article page: the four categories must score 100.

One place for installing and running Lighthouse, used by the browser test
(tests/e2e/test_lighthouse.py, on the live server) and by `make lighthouse`
(``python -m tests.e2e.lighthouse``: the demo article served by gunicorn with the
production settings, DEBUG off and whitenoise serving the collected static files).

Lighthouse comes from npm, pinned, installed once into a cache folder outside the
repository (as axe-core is: tests/e2e/conftest.py), and drives Debian's Chromium with
the flags that keep it on the loopback address.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE_VERSION = "12.8.2"  # the 12 line runs on Debian's Node.js 18
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PRESETS = ("desktop", "mobile")
# As tests/e2e/conftest.py's CHROMIUM_ARGS: the browser must see only our server.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
DEMO_PATH = "/what-is-ketamine-used-for/"


class NpmMissing(RuntimeError):
    """npm is not installed, so a pinned npm package cannot be fetched."""


def cache_home():
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def npm_package(name, version, entry, run_scripts=True):
    """The path of ``entry`` in npm package ``name@version``, installed once (pinned) into
    ~/.cache/cms-e2e/<name>-<version>/ with `npm install --prefix`, outside the repository.
    ``run_scripts=False``: without the package's install scripts (vnu-jar's would download
    a Java runtime; we run Debian's)."""
    prefix = cache_home() / "cms-e2e" / f"{name}-{version}"
    package_folder = prefix / "node_modules" / name
    path = package_folder / entry
    if not path.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise NpmMissing(
                f"npm is needed to install {name} {version} (once, into {prefix}): install "
                "Node.js and npm (on Debian: apt-get install npm), then run this again."
            )
        prefix.mkdir(parents=True, exist_ok=True)
        install = subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--no-save"]
            + ([] if run_scripts else ["--ignore-scripts"])
            + [f"{name}@{version}"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if install.returncode != 0 or not path.exists():
            raise RuntimeError(f"npm could not install {name} {version}:\n{install.stderr}")
    package = json.loads((package_folder / "package.json").read_text(encoding="utf-8"))
    if package["version"] != version:
        raise RuntimeError(f"{prefix} holds {name} {package['version']}, not {version}")
    return path


def lighthouse_cli():
    return npm_package("lighthouse", LIGHTHOUSE_VERSION, "cli/index.js")


# Lighthouse now and then loses the trace of a page load it recorded ("Something went wrong
# with recording the trace over your page load. Please run Lighthouse again.", NO_NAVSTART,
# seen in CI and in `make lighthouse`, about one run in ten, the first after a cold start
# more often): a fault of the recording, not a score. Such a run is tried again, up to three
# runs in all, and said; a low score is never retried.
ATTEMPTS = 3


class LighthouseRunFailed(RuntimeError):
    """Lighthouse could not produce a report (a fault of the run, not a score)."""


def run_lighthouse(url, preset, cli=None, chrome_path="/usr/bin/chromium"):
    """Run Lighthouse on ``url`` with the "desktop" or "mobile" preset; its JSON report."""
    for attempt in range(1, ATTEMPTS):
        try:
            return _run_once(url, preset, cli, chrome_path)
        except LighthouseRunFailed as failure:
            print(f"Lighthouse ({preset}) run {attempt} failed, running it again: {failure}")
    return _run_once(url, preset, cli, chrome_path)


def _run_once(url, preset, cli, chrome_path):
    cli = cli or lighthouse_cli()
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise NpmMissing("Lighthouse needs Node.js: install it (on Debian: apt-get install npm).")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        report_path = Path(folder) / "report.json"
        command = [
            node,
            str(cli),
            url,
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={report_path}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--no-enable-error-reporting",
            "--quiet",
        ]
        if preset == "desktop":
            command.append("--preset=desktop")  # mobile is Lighthouse's default
        finished = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            env={**os.environ, "CHROME_PATH": chrome_path},
        )
        if finished.returncode != 0 or not report_path.exists():
            raise LighthouseRunFailed(
                f"Lighthouse ({preset}) failed on {url}:\n{finished.stderr[-4000:]}"
            )
        report = json.loads(report_path.read_text(encoding="utf-8"))
        if report.get("runtimeError"):
            raise LighthouseRunFailed(f"Lighthouse ({preset}) on {url}: {report['runtimeError']}")
        return report


def scores(report):
    """{category: score out of 100} (None when Lighthouse could not score it)."""
    return {
        category: None
        if report["categories"][category]["score"] is None
        else round(report["categories"][category]["score"] * 100)
        for category in CATEGORIES
    }


def failing_audits(report):
    """The audits that cost points: category, id, title, and Lighthouse's figure if any."""
    failing = []
    for category in CATEGORIES:
        for reference in report["categories"][category]["auditRefs"]:
            audit = report["audits"][reference["id"]]
            if reference["weight"] > 0 and (audit["score"] is None or audit["score"] < 1):
                figure = audit.get("displayValue") or audit.get("errorMessage") or ""
                failing.append(f"{category}: {audit['id']} ({audit['title']}) {figure}".strip())
    return failing


# The metrics the performance score is made of, printed to show how much room is left.
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}


def summary(report, preset):
    line = ", ".join(f"{category} {score}" for category, score in scores(report).items())
    text = f"Lighthouse {LIGHTHOUSE_VERSION} {preset} on {report['finalDisplayedUrl']}: {line}"
    metrics = [
        f"{name} {report['audits'][audit].get('displayValue', '?')}"
        for audit, name in METRICS.items()
        if audit in report["audits"]
    ]
    if metrics:
        text += f" ({', '.join(metrics)})"
    failing = failing_audits(report)
    warnings = report.get("runWarnings") or []
    if failing:
        text += "\n  Audits below 100:\n" + "\n".join(f"  - {audit}" for audit in failing)
    if warnings:
        text += "\n  Lighthouse warned:\n" + "\n".join(f"  - {warning}" for warning in warnings)
    return text


def all_hundred(report):
    return all(score == 100 for score in scores(report).values())


def production_environment(folder):
    """The production settings on loopback, with a database, static files and uploads of
    their own."""
    environment = {
        key: value
        for key, value in os.environ.items()
        # Our own SQLite file and memory cache: the run touches no database of yours.
        if key not in {"DATABASE_URL", "REDIS_URL", "HTTP_CACHE_NODES", "SITE_URL"}
    }
    environment.update(
        DEBUG="0",
        HTTPS="0",  # nothing terminates TLS here; Lighthouse does not count it on loopback
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),  # the demo's pictures
    )
    return environment


def main():
    """`make lighthouse`: serve the demo article as production does, score it, fail under 100."""
    sys.path.insert(0, str(ROOT))
    from deploy.stack import Stack

    started = time.monotonic()
    try:
        cli = lighthouse_cli()
    except NpmMissing as error:
        print(f"make lighthouse: {error}", file=sys.stderr)
        return 2
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not Path(chrome).exists():
        print(
            f"make lighthouse: no Chromium at {chrome}: apt-get install chromium "
            "(or set CHROME_PATH).",
            file=sys.stderr,
        )
        return 2
    failed = False
    with tempfile.TemporaryDirectory(prefix="cms-lighthouse-") as folder:
        folder = Path(folder)
        environment = production_environment(folder)
        with Stack(environment, folder / "logs") as stack:
            # The app server alone: the Stack's proxy settings are harmless without Varnish.
            for command in (
                ["migrate", "--no-input"],
                ["load_demo"],
                ["collectstatic", "--no-input"],
            ):
                stack.manage(*command)
            port = stack.start_app_server(workers=2)
            url = f"http://127.0.0.1:{port}{DEMO_PATH}"
            print(f"Serving the demo article with DEBUG=0 at {url}", flush=True)
            for preset in PRESETS:
                report = run_lighthouse(url, preset, cli=cli, chrome_path=chrome)
                print(summary(report, preset), flush=True)
                failed = failed or not all_hundred(report)
    seconds = time.monotonic() - started
    print(f"{'FAILED: a score is under 100' if failed else 'All 100'} ({seconds:.0f} s).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
