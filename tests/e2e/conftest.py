"""Browser fixtures: one headless Debian Chromium for the folder, a fresh context per test,
Django's live server on 127.0.0.1, the demo article, axe-core for accessibility checks, and
`screenshots` for each journey's full-page screenshots at 390 and 1280 px.

The browser tests skip, with the reason, only when no Chromium is installed; with
REQUIRE_BROWSER=1 (as .ci/run sets it) they fail instead, and any other skip of a test
in this folder is turned into a failure too, so CI can never pass without them.
"""

import io
import os
import shutil
import struct
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

from .lighthouse import NpmMissing, npm_package

# The live server must listen on the loopback address the browser is sent to.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

DEMO_SLUG = "what-is-ketamine-used-for"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
# Flags that keep Chromium from calling home: the tests must see only the live server.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_CORE_VERSION = "4.14.1"
SCREENSHOT_WIDTHS = (390, 1280)  # a phone and a desktop
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 15_000
STAFF_PASSWORD = "browser-tests-staff-password-42"


def browser_required():
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """With REQUIRE_BROWSER=1 a skipped browser test is a failure: CI must run them all."""
    report = yield
    if report.skipped and browser_required() and item.get_closest_marker("e2e"):
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_BROWSER=1 but this browser test was skipped: {report.longrepr}"
    return report


def pytest_terminal_summary(terminalreporter):
    """Say how long the browser tests took, setup and teardown included."""
    seconds = sum(
        report.duration
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) and "e2e" in report.keywords
    )
    if seconds:
        terminalreporter.write_line(
            f"Browser tests (tests/e2e): {seconds:.1f} s in Chromium, setup and teardown included."
        )


@pytest.fixture(scope="session")
def chromium_path():
    """The Chromium executable; the tests skip (or fail under REQUIRE_BROWSER=1) without one."""
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    reason = (
        "No Chromium found (looked for /usr/bin/chromium and 'chromium' on PATH): "
        "install Debian's package with `apt-get install chromium` to run the browser tests."
    )
    if browser_required():
        pytest.fail(f"REQUIRE_BROWSER=1: {reason}", pytrace=False)
    pytest.skip(reason)


# Package scope: one browser for all the tests of this folder, closed after the last of
# them, so the rest of the suite runs without Playwright's event loop in its thread.
@pytest.fixture(scope="package")
def browser(chromium_path, django_db_setup):
    """One headless Chromium for the browser tests; each test gets its own context."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # The copy of the migrated data (groups, permissions) that serialized_rollback restores
    # before each test lives on the connection object of the thread that made the test
    # database. See below why the tests get other connection objects once Playwright runs.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django
    # refuses ORM calls from a thread with a running loop unless told this is safe.
    # It is: the ORM calls here are plain synchronous test code. Set only while the
    # browser lives, so the rest of the suite keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    # Django keeps its connections per thread, but per asyncio context once an event loop
    # runs in the thread, as Playwright's does: the ORM now opens new connection objects,
    # which must carry that copy too or serialized_rollback silently restores nothing.
    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents
    try:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server):
    """Open a browser context (one reader: their own cookies) on the live server."""
    opened = []

    def open_context(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh context: a reader with no cookies yet."""
    return new_context().new_page()


@pytest.fixture(autouse=True)
def _browser_friendly_comment_rules(settings):
    """A browser fills the form in milliseconds and posts often from one address:
    neither may count against it here (the rules have their own tests)."""
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 1000
    settings.COMMENTS_MODERATORS = []


@pytest.fixture
def demo_article(live_server):
    """The demo article of `make run`: two versions with a lead image and three figures,
    a primary topic, tags, and four approved comments, one thread."""
    call_command("load_demo", stdout=io.StringIO())
    return Article.objects.get(slug=DEMO_SLUG)


@pytest.fixture
def article_url(live_server, demo_article):
    return f"{live_server.url}{demo_article.get_absolute_url()}"


@pytest.fixture(scope="session")
def screenshot_dir():
    """Where full-page screenshots go (git-ignored); printed so a person can look."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nScreenshots are saved in {SCREENSHOTS}")
    return SCREENSHOTS


# Elements that reach past the right edge of the viewport: what makes a page scroll sideways.
WIDER_THAN_VIEWPORT = """() => {
    const limit = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > limit + 0.5)
        .slice(0, 8)
        .map(el => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}` +
            `${el.classList.length ? "." + [...el.classList].join(".") : ""}` +
            ` (right edge at ${Math.round(el.getBoundingClientRect().right)} px)`);
}"""


def png_size(path):
    """(width, height) of a PNG file; fails unless the file is one."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR", f"{path} is no PNG"
    return struct.unpack(">II", header[16:24])


@pytest.fixture
def screenshots(screenshot_dir, request):
    """``shoot(page, step)``: full-page screenshots of the page as it is now, at a phone's and
    a desktop's width, saved as ``<journey>-<step>-<width>.png`` (the journey is the test
    module's name: test_reading.py -> reading), the page's viewport restored afterwards.

    At each width it asserts that nothing is wider than the viewport (a page that scrolls
    sideways is broken on a phone), naming the elements that stick out, and that the file
    is a PNG as wide as the viewport and as tall as the whole page. Returns the paths."""
    journey = request.module.__name__.rpartition(".")[2].removeprefix("test_")

    def shoot(page, step, widths=SCREENSHOT_WIDTHS):
        # A page measured before its stylesheets have loaded is laid out without them.
        page.wait_for_load_state("load")
        original = page.viewport_size
        paths = []
        try:
            for width in widths:
                page.set_viewport_size({"width": width, "height": original["height"]})
                measured = page.evaluate(
                    "() => ({scroll: document.documentElement.scrollWidth,"
                    " inner: window.innerWidth, height: document.documentElement.scrollHeight})"
                )
                assert measured["scroll"] <= measured["inner"], (
                    f"{journey} {step} at {width} px: the page is {measured['scroll']} px wide; "
                    f"sticking out: {page.evaluate(WIDER_THAN_VIEWPORT)}"
                )
                path = screenshot_dir / f"{journey}-{step}-{width}.png"
                path.unlink(missing_ok=True)
                page.screenshot(path=path, full_page=True, animations="disabled")
                png_width, png_height = png_size(path)
                assert png_width == width, f"{path}: {png_width} px wide, not {width}"
                # Full page: as tall as the document (at least the viewport), not the window.
                assert png_height >= max(measured["height"], original["height"]) - 1, (
                    f"{path} is {png_height} px tall, the page {measured['height']} px"
                )
                paths.append(path)
        finally:
            page.set_viewport_size(original)
        print(f"Screenshots of {journey} {step}: {', '.join(str(path) for path in paths)}")
        return paths

    return shoot


@pytest.fixture(scope="session")
def axe_source():
    """The source of axe-core, installed once from npm (pinned) into a cache folder outside
    the repo, as Lighthouse is (tests/e2e/lighthouse.py)."""
    try:
        script = npm_package("axe-core", AXE_CORE_VERSION, "axe.min.js")
    except NpmMissing as error:
        pytest.fail(f"The accessibility tests need npm: {error}", pytrace=False)
    return script.read_text(encoding="utf-8")


# What an accessibility check fails on: axe's two highest impacts.
BLOCKING_IMPACTS = {"serious", "critical"}


def assert_no_serious_violations(violations, page_name):
    """Fail on serious or critical violations (from ``run_axe``); print the lesser ones for
    the record."""
    for violation in violations:
        print(f"axe on {page_name}: {violation['impact']} {violation['id']}: {violation['help']}")
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe found serious or critical violations on {page_name}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in blocking
    )


@pytest.fixture
def run_axe(axe_source):
    """Run axe-core on a page (opened in a context with bypass_csp=True, since the site's
    Content-Security-Policy rightly refuses injected scripts) and return its violations,
    each as a dict: rule id, impact, help text and the CSS targets of the failing nodes."""

    def run(page):
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(content=axe_source)
        result = page.evaluate(
            "async () => await window.axe.run(document, {resultTypes: ['violations']})"
        )
        # A run that checked nothing would pass every page: make sure axe really ran.
        assert result["testEngine"]["version"] == AXE_CORE_VERSION
        assert len(result["passes"]) > 10
        print(
            f"axe-core {AXE_CORE_VERSION} on {page.url}: {len(result['passes'])} rules passed, "
            f"{len(result['violations'])} violated, {len(result['incomplete'])} to review by hand "
            f"{[rule['id'] for rule in result['incomplete']]}"
        )
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"]],
            }
            for violation in result["violations"]
        ]

    return run


@pytest.fixture
def sign_in(live_server):
    """Sign a page in to the admin as ``user``, through the login form as a person would."""

    def sign_in_as(page, user):
        # A password of this test's own, so any user fixture will do.
        user.set_password(STAFF_PASSWORD)
        user.save(update_fields=["password"])
        page.goto("/admin/login/?next=/admin/")
        page.locator("#id_username").fill(user.get_username())
        page.locator("#id_password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/admin/")

    return sign_in_as
