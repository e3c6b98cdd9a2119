"""Checking that the links in published articles still answer (the check_references command).

Each address is asked with HEAD first (cheap: no body), and with GET when HEAD
gets an HTTP error, since some servers refuse or mishandle HEAD. Every request
has a timeout and says who is asking (User-Agent); a few run at once, so a
slow server does not hold up the rest and no server gets a burst.
"""

import http.client
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


@dataclass(frozen=True)
class LinkCheck:
    """The answer to one address: its HTTP status, or the error that stopped it."""

    url: str
    status_code: int | None = None
    error: str = ""

    @property
    def is_dead(self):
        return self.status_code is None or self.status_code >= 400


def user_agent():
    return f"{settings.SITE_NAME} reference checker (+{settings.SITE_URL})"


def check_link(url, timeout=10):
    """Ask ``url`` with HEAD, then GET if HEAD got an HTTP error; return a LinkCheck."""
    if urlsplit(url).scheme not in {"http", "https"}:
        return LinkCheck(url, error="not an http(s) address")
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            url, method=method, headers={"User-Agent": user_agent()}
        )
        try:
            # The body is never read: the status line says whether the page is there.
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return LinkCheck(url, response.status)
        except urllib.error.HTTPError as error:
            error.close()
            if method == "GET":
                return LinkCheck(url, error.code)
        except TimeoutError:
            return LinkCheck(url, error=f"no answer within {timeout:g} s")
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                return LinkCheck(url, error=f"no answer within {timeout:g} s")
            return LinkCheck(url, error=str(error.reason)[:300])
        except (http.client.HTTPException, OSError, ValueError) as error:
            return LinkCheck(url, error=(str(error) or type(error).__name__)[:300])
    raise AssertionError("unreachable")  # pragma: no cover - GET always returns


def check_links(urls, *, timeout=10, workers=4):
    """Check each of ``urls`` (at most ``workers`` at a time); LinkChecks in the same order."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda url: check_link(url, timeout), urls))
