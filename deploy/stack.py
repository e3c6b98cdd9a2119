"""The production stack on one machine: gunicorn app servers behind Varnish, on loopback.

One module starts, polls and stops the servers for everything that needs them:
`make serve` (``python deploy/stack.py serve``), the benchmark (bench/run.py)
and the tests that go through real servers (tests/test_varnish.py,
tests/test_scaleout.py).

    with Stack(environment, workdir) as stack:
        stack.start_cache()          # Varnish with deploy/varnish/default.vcl
        stack.start_app_server()     # gunicorn; as many as you like, before the cache
        ...                          # readers at stack.cache_port, servers at stack.app_ports

The app servers are told where the cache is (HTTP_CACHE_NODES, for purges) and
that they stand behind a proxy (BEHIND_PROXY, for the readers' addresses).

A part that dies is started again (``revive``, called by ``make serve`` twice a second
and by the tests' ``supervise``): each part on its own, after a back-off that doubles
from 1 s to 30 s while it keeps dying, and never by stopping the others. Varnish goes on
serving the last good copy of each page meanwhile (deploy/varnish/default.vcl, grace),
and knows from its probe of /healthz which app servers to send readers to.
Varnish comes from Debian's packages varnish and varnish-modules (for xkey).
This module never installs them: ``deploy/install-servers.sh`` does (``make servers``,
called by ``make serve`` and ``make bench``); ``find_varnishd()`` says whether they are
there and ``VARNISH_MISSING`` says how to install them.

Addresses, the same words everywhere (Makefile, gunicorn.conf.py, docs):
BIND is where readers arrive (here Varnish), APP_BIND is gunicorn's.
"""

import argparse
import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
VARNISH_PACKAGES = ("varnish", "varnish-modules")
XKEY_VMOD = "libvmod_xkey.so"
VARNISH_MISSING = (
    "Varnish with its xkey module is not installed (Debian's packages "
    f"{' and '.join(VARNISH_PACKAGES)}). Install them with: make servers "
    f"(or: sudo apt-get install {' '.join(VARNISH_PACKAGES)})"
)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def find_varnishd():
    """The varnishd program when Varnish and its xkey module are installed, else None."""
    varnishd = shutil.which("varnishd", path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    module_folders = [
        *Path("/usr/lib").glob("*/varnish/vmods"),  # Debian and Ubuntu
        Path("/usr/lib/varnish/vmods"),
        Path("/usr/local/lib/varnish/vmods"),
    ]
    if varnishd and any((folder / XKEY_VMOD).exists() for folder in module_folders):
        return varnishd
    return None


def require_varnish():
    """The varnishd program, or exit with what is missing and the command that installs it."""
    varnishd = find_varnishd()
    if varnishd is None:
        raise SystemExit(VARNISH_MISSING)
    return varnishd


def get(port, path, headers=None, method="GET", body=None, timeout=30):
    """One HTTP request to 127.0.0.1:``port``: (status, headers as a dict, body as text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


class Stack:
    """gunicorn app servers and one Varnish in front of them, started and stopped together."""

    def __init__(self, environment, workdir, *, cache_port=None, cache_memory="256m"):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.cache_port = cache_port or free_port()
        self.cache_memory = cache_memory
        self.environment = {
            **environment,
            "HTTP_CACHE_NODES": f"http://127.0.0.1:{self.cache_port}",
            "BEHIND_PROXY": "1",
        }
        self.app_ports = []
        self.processes = []
        # name -> (command, environment) to start it again; name -> back-off state.
        self.commands = {}
        self.backoff = {}
        self.restarts = {}

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.stop()

    def _start(self, name, command, environment=None):
        log = open(self.workdir / f"{name}.log", "a")  # noqa: SIM115 (closed in stop)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.environment, **(environment or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes = [entry for entry in self.processes if entry[0] != name]
        self.processes.append((name, process, log))
        self.commands[name] = (command, environment)
        return process

    def process(self, name):
        """The running process of the part ``name`` (e.g. "worker", "gunicorn-8001")."""
        return next(process for each, process, _log in self.processes if each == name)

    def revive(self, now=None):
        """Start again each part that died, once its back-off has passed; what was started.

        The dead part's process group is killed first (gunicorn's workers outlive a
        master killed with SIGKILL, and hold its port). The back-off doubles from 1 s to
        30 s while a part keeps dying, and starts from 1 s again after a minute of life.
        """
        now = time.monotonic() if now is None else now
        revived = []
        for name, process, log in list(self.processes):
            if process.poll() is None:
                continue
            delay, due, started = self.backoff.get(name, (0.0, None, 0.0))
            if due is None:
                delay = 1.0 if now - started > 60 else min(max(delay * 2, 1.0), 30.0)
                self.backoff[name] = (delay, now + delay, started)
                print(
                    f"{name} stopped (exit {process.returncode}); again in {delay:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                continue
            if now < due:
                continue
            log.close()
            command, environment = self.commands[name]
            self._start(name, command, environment)
            self.backoff[name] = (delay, None, now)
            self.restarts[name] = self.restarts.get(name, 0) + 1
            revived.append(name)
        return revived

    @contextlib.contextmanager
    def supervise(self, every=0.2):
        """Revive dead parts in a background thread while the block runs (tests, the drill)."""
        stopping = threading.Event()

        def watch():
            while not stopping.wait(every):
                self.revive()

        watcher = threading.Thread(target=watch, name="stack-supervisor", daemon=True)
        watcher.start()
        try:
            yield self
        finally:
            stopping.set()
            watcher.join()

    def manage(self, *command):
        """Run a manage.py command with the app servers' environment."""
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=self.environment,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def log(self, name):
        path = self.workdir / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def _wait_for(self, name, process, port, path="/healthz", seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{name} stopped at start:\n{self.log(name)}")
            with contextlib.suppress(OSError):
                if get(port, path, timeout=5)[0] == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not answer {path} on port {port}:\n{self.log(name)}")

    def start_app_server(self, port=None, workers=None, environment=None):
        """Start one gunicorn (the production configuration) and wait for /healthz.

        ``environment`` adds to the stack's (e.g. another DATABASE_URL for one server)."""
        port = port or free_port()
        command = [GUNICORN, "cms.wsgi", "--bind", f"127.0.0.1:{port}"]
        if workers:
            command += ["--workers", str(workers)]
        name = f"gunicorn-{port}"
        self._wait_for(name, self._start(name, command, environment), port)
        self.app_ports.append(port)
        return port

    def start_worker(self, environment=None):
        """Start the task worker, as `make worker` runs it: the mail queue (comments/mail.py)
        and the schedule queue (articles/schedule.py: scheduled updates and withdrawals)."""
        queues = "mail,schedule"
        command = [
            sys.executable,
            "manage.py",
            "mail_worker",
            "--queue-name",
            queues,
            "--no-reload",
        ]
        return self._start("worker", command, environment)

    def write_backends(self):
        """backends.vcl for the app servers started so far: round robin, purges from here."""
        lines = ["import directors;", ""]
        for number, port in enumerate(self.app_ports):
            lines.append(
                f'backend app{number} {{ .host = "127.0.0.1"; .port = "{port}"; '
                ".first_byte_timeout = 35s; .probe = app_health; }"
            )
        lines += ["", 'acl purgers { "127.0.0.1"; "::1"; }', "", "sub vcl_init {"]
        lines.append("    new app_servers = directors.round_robin();")
        lines += [f"    app_servers.add_backend(app{n});" for n in range(len(self.app_ports))]
        lines += ["}", "", "sub vcl_recv {", "    set req.backend_hint = app_servers.backend();"]
        lines += ["}", ""]
        (self.workdir / "backends.vcl").write_text("\n".join(lines))

    def start_cache(self):
        """Start Varnish in front of the app servers started so far; wait until it answers."""
        varnishd = find_varnishd()
        if varnishd is None:
            raise RuntimeError(VARNISH_MISSING)
        if not self.app_ports:
            raise RuntimeError("start the app servers before the cache in front of them")
        self.write_backends()
        command = [
            varnishd,
            "-F",  # in the foreground: stopped with the stack
            "-j", "none",  # as whoever runs the stack: no jail, no separate user
            "-n", str(self.workdir / "varnish"),
            "-a", f"127.0.0.1:{self.cache_port}",
            "-f", str(VCL),
            "-p", f"vcl_path={self.workdir}:{VCL.parent}",
            "-s", f"malloc,{self.cache_memory}",
            "-T", "none",
        ]  # fmt: skip
        self._wait_for("varnish", self._start("varnish", command), self.cache_port)
        return self.cache_port

    def stop(self):
        for _name, process, log in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            log.close()
        self.processes = []


def serve():
    """`make serve`: Varnish on BIND (where readers arrive, default 127.0.0.1:8000) in
    front of gunicorn on APP_BIND (default 127.0.0.1:8001), and the mail worker, until
    Ctrl-C. Stops at once, saying how to install it, when Varnish is missing."""
    parser = argparse.ArgumentParser(description=serve.__doc__)
    parser.parse_args(sys.argv[2:])
    require_varnish()
    host, _, port = os.environ.get("BIND", "127.0.0.1:8000").rpartition(":")
    app_host, _, app_port = os.environ.get("APP_BIND", "127.0.0.1:8001").rpartition(":")
    for name, address in (("BIND", host), ("APP_BIND", app_host)):
        if address not in ("127.0.0.1", "localhost"):
            raise SystemExit(f"make serve runs on one machine: {name} must be 127.0.0.1:PORT")
    app_port = int(app_port)
    workdir = ROOT / ".serve"
    stack = Stack(os.environ, workdir, cache_port=int(port))
    with stack:
        stack.start_app_server(port=app_port)
        stack.start_cache()
        stack.start_worker()
        print(
            f"Serving http://127.0.0.1:{port}/ through Varnish; gunicorn on 127.0.0.1:{app_port};"
            f" the mail worker beside them.\nLogs in {workdir}/. A part that dies is started"
            " again; Ctrl-C stops them all.",
            flush=True,
        )
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            while not stopping:
                stack.revive()
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve()
    elif sys.argv[1:2] == ["check"]:
        require_varnish()
    else:
        raise SystemExit("usage: python deploy/stack.py serve | check")
