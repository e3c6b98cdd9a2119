"""gunicorn's settings for `make serve`, the bench and production, read from the environment.

gunicorn reads this file by itself when started from the project directory:

    gunicorn cms.wsgi

APP_BIND              address:port gunicorn listens on (default 127.0.0.1:8001, behind
                      Varnish on BIND; 0.0.0.0:8001 for a cache or load balancer on
                      another machine). BIND is never gunicorn's: it is the public
                      address, where readers arrive.
WEB_CONCURRENCY       worker processes (default: 2 per core + 1)
GUNICORN_THREADS      threads per worker (default 1: plain sync workers)
GUNICORN_TIMEOUT      seconds before a stuck worker is restarted (default 30)
GUNICORN_ACCESS_LOG   "1" to log every request to stdout (default off: the proxy logs them)
FORWARDED_ALLOW_IPS   proxies trusted for X-Forwarded-Proto (read by gunicorn itself)
"""

import multiprocessing
import os

bind = os.environ.get("APP_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = timeout
keepalive = 5
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "") in {"1", "true", "yes"} else None
errorlog = "-"
# Load the app once, before forking, so a broken configuration fails at start.
preload_app = True
