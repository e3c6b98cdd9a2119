"""Every reader page is valid HTML for the W3C Nu HTML Checker (vnu): the pages of
tests/reader_pages.py, rendered with Django's test client, checked in one run of vnu.

Like the browser tests, this skips (saying why) without Java or npm, and fails instead
under REQUIRE_BROWSER=1, as .ci/run sets it (tests/e2e/conftest.py)."""

import pytest

from ..reader_pages import build_site, render_pages
from .conftest import browser_required
from .html_check import JavaMissing, check, java_path, vnu_jar
from .lighthouse import NpmMissing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture(scope="session")
def checker():
    """vnu.jar (installed once from npm) and Java; skip without them (fail under CI)."""
    try:
        java_path()
        return vnu_jar()
    except (JavaMissing, NpmMissing) as error:
        if browser_required():
            pytest.fail(f"REQUIRE_BROWSER=1: {error}", pytrace=False)
        pytest.skip(str(error))


def test_every_reader_page_is_valid_html(checker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMMENTS_RATE_LIMIT = 1  # the second post of the rate-limit refusal is refused
    pages = render_pages(build_site(), tmp_path)
    messages = check([page.path for page in pages], jar=checker)

    addresses = {str(page.path): page.address for page in pages}
    for message in messages:
        if message.kind == "warning":
            print(f"vnu warns on {addresses.get(message.document, '')}: {message}")
    errors = [message for message in messages if message.kind != "warning"]
    assert not errors, f"The HTML checker rejects {len(errors)} things:\n" + "\n".join(
        f"- {addresses.get(error.document, '')}: {error}" for error in errors
    )
    print(f"vnu checked {len(pages)} pages: {', '.join(page.name for page in pages)}")
