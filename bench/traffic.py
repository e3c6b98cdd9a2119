"""The load of `make bench` (bench/run.py): the programs that serve and measure it.

nginx serving the article page's bytes as a static file, the ceiling to compare the page
with; wrk, which measures requests per second and latency of one address; and readers
posting comments at once, each checked to be saved exactly once. wrk and nginx come from
Debian's packages, which `make bench` installs beforehand: this module only looks for them.
"""

import gzip
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from deploy.stack import free_port, get


def require_program(program, package):
    """The path of a program from Debian's package, or exit naming the command that installs it.

    Installing is make's job (deploy/install-servers.sh), not this script's: it may need
    root, and one place decides which packages the machine gets.
    """
    found = shutil.which(program, path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    if found is None:
        raise SystemExit(
            f"{program} is not installed (Debian's package {package}). `make bench` installs it"
            " before it runs this script; to install it alone: deploy/install-servers.sh bench"
            " (Varnish: make servers)."
        )
    return found


NGINX_CONFIGURATION = """
worker_processes {workers};
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {folder}/root;
        # The pre-compressed copy for browsers that accept gzip, as Varnish serves the page.
        gzip_static on;
    }}
}}
"""


def start_nginx(nginx, page_bytes, workers):
    """nginx serving ``page_bytes`` as /page.html: what a page cache in front of WordPress
    serves, the ceiling of this machine. Returns (process, port)."""
    folder = Path(tempfile.mkdtemp(prefix="cms-bench-nginx-"))
    (folder / "root").mkdir()
    (folder / "root" / "page.html").write_bytes(page_bytes)
    (folder / "root" / "page.html.gz").write_bytes(gzip.compress(page_bytes, compresslevel=6))
    folder.chmod(0o755)
    (folder / "root").chmod(0o755)
    port = free_port()
    configuration = folder / "nginx.conf"
    configuration.write_text(NGINX_CONFIGURATION.format(folder=folder, port=port, workers=workers))
    process = subprocess.Popen(
        [nginx, "-c", str(configuration), "-p", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if get(port, "/page.html")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"nginx did not start: {(folder / 'error.log').read_text()}")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


# Every measure asks as a browser does: compressed if possible.
BROWSER_HEADERS = ["Accept-Encoding: gzip"]


def run_wrk(wrk, port, path, save_as, *, connections, duration, headers=()):
    """Requests per second and p50/p99 latency (ms) of one path, from wrk's report, which
    is kept in the file ``save_as``."""
    url = f"http://127.0.0.1:{port}{path}"
    headers = [*BROWSER_HEADERS, *headers]
    options = [argument for header in headers for argument in ("-H", header)]
    # A short warm-up fills the cache and opens the database connections first.
    subprocess.run([wrk, "-t2", "-c4", "-d2s", *options, url], check=True, capture_output=True)
    command = [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    output = subprocess.run(
        [*command, *options, url], check=True, capture_output=True, text=True
    ).stdout
    save_as.write_text(output)
    return parse_wrk(output)


def parse_wrk(output):
    """Requests per second, p50/p99 latency (ms) and non-2xx/3xx answers from wrk's report."""

    def latency(percent):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "errors": int(errors.group(1)) if errors else 0,
    }


def post_comments(port, article_url, count, concurrency):
    """Post ``count`` comments from ``concurrency`` threads at once; check each was saved once."""
    from comments.models import Comment

    _, _, html = get(port, article_url)
    token_url = re.search(r'data-token-url="([^"]+)"', html).group(1)
    marker = f"bench-{secrets.token_hex(4)}"

    def post(number):
        # As a reader's browser does: the form's script fetches a token, then the form is
        # posted from this same origin.
        token = json.loads(get(port, token_url)[2])["token"]
        form = {
            "token": token,
            "name": f"Load tester {number}",
            "email": f"load{number}@example.org",
            "body": f"Posted under load ({marker}) number {number}.",
        }
        status, _, _ = get(
            port,
            article_url + "comments/",
            method="POST",
            body=urllib.parse.urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{port}",
                "Sec-Fetch-Site": "same-origin",
            },
        )
        return status

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        statuses = list(pool.map(post, range(count)))
    elapsed = time.monotonic() - started
    saved = Comment.objects.filter(body__contains=marker)
    distinct = saved.values("body").distinct().count()
    return {
        "posted": count,
        "answered_303": statuses.count(303),
        "saved": saved.count(),
        "saved_distinct": distinct,
        "per_second": count / elapsed,
    }
