"""What the two benchmarks, bench/run.py and bench/scale.py, share.

Both run the production settings against a PostgreSQL database and a Redis database of
their own, given on the command line or by environment variables, and both start from a
freshly created database. Django is imported by neither function here, so the scripts
can import this module before they configure Django.
"""

import os
import secrets
import urllib.parse


def add_server_arguments(parser, database, redis, redis_help=None):
    """--database-url and --redis-url; ``database`` and ``redis`` are each a pair
    (environment variable, default used when it is not set)."""
    parser.add_argument("--database-url", default=os.environ.get(*database))
    parser.add_argument("--redis-url", default=os.environ.get(*redis), help=redis_help)


def production_settings(database_url, redis_url, *, secret_key=None, **more):
    """The environment of `make serve` (DEBUG off, plain HTTP: nothing here terminates TLS),
    pointed at the benchmark's database and Redis; ``more`` adds or overrides variables."""
    return {
        "DJANGO_SETTINGS_MODULE": "cms.settings",
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": secret_key or secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        **more,
    }


def recreate_database(url):
    """Drop and create the database named in ``url``, so every run starts from the same state.

    Connects to the same server's 'postgres' database to do it; FORCE closes the
    connections a previous, interrupted run may have left open.
    """
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    if not parts.path.lstrip("/"):
        raise SystemExit(f"{url}: name the benchmark's database at the end of the address")
    # A name from the command line goes into the statement as a quoted identifier.
    name = sql.Identifier(parts.path.lstrip("/"))
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
