"""The W3C Nu HTML Checker (vnu), run on many HTML files at once.

vnu comes from npm's `vnu-jar` package, pinned, installed once into ~/.cache/cms-e2e/
as Lighthouse and axe-core are (tests/e2e/lighthouse.py), without its install script
(which would download a Java runtime): it runs on Debian's Java (`java -jar vnu.jar`;
`deploy/install-servers.sh browser` installs default-jre-headless when java is missing).

One run of the checker takes a few seconds, most of it the JVM starting, so callers hand
it every page at once. Used by tests/e2e/test_valid_html.py, and on its own:

    .venv/bin/python -m tests.e2e.html_check page.html other.html http://127.0.0.1:8000/
"""

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from .lighthouse import NpmMissing, npm_package

VNU_VERSION = "26.9.27"


class JavaMissing(RuntimeError):
    """No `java` on PATH: the checker is a Java program."""


@dataclass(frozen=True)
class Message:
    """One thing the checker says about a document: an error, or a warning (``kind``)."""

    kind: str
    document: str  # the path of the file, or the URL, as given to ``check``
    line: int | None
    column: int | None
    text: str
    extract: str

    def __str__(self):
        place = f"line {self.line}" if self.line else "the document"
        if self.column:
            place += f", column {self.column}"
        extract = " ".join(self.extract.split())
        document = self.document if "://" in self.document else Path(self.document).name
        return f"{document}, {place}: {self.kind}: {self.text}" + (
            f"\n      near: {extract}" if extract else ""
        )


def vnu_jar():
    """The path of vnu.jar, installed once (pinned); NpmMissing without npm."""
    return npm_package("vnu-jar", VNU_VERSION, "build/dist/vnu.jar", run_scripts=False)


def java_path():
    java = shutil.which("java")
    if java is None:
        raise JavaMissing(
            "The HTML checker (vnu) runs on Java: install it (on Debian: apt-get install "
            "default-jre-headless, or deploy/install-servers.sh browser)."
        )
    return java


def _document_of(url, documents):
    """The document as it was given, for the checker's file: URL of it."""
    if url.startswith("file:"):
        path = unquote(urlparse(url).path)
        for document in documents:
            if str(document) == path or path.endswith(f"/{document}"):
                return str(document)
        return path
    return url


def check(documents, *, jar=None):
    """Check HTML files (paths) or URLs, all in one run of the checker; every Message it
    gives, errors and warnings (its "info" messages that are not warnings are left out).
    RuntimeError when the checker itself fails."""
    documents = [str(document) for document in documents]
    if not documents:
        return []
    command = [java_path(), "-jar", str(jar or vnu_jar()), "--format", "json", "--stdout"]
    finished = subprocess.run(
        # --exit-zero-always: its exit status says "found errors"; the JSON says which.
        [*command, "--exit-zero-always", *documents],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(finished.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(
            f"The HTML checker gave no report (exit {finished.returncode}):\n"
            f"{finished.stderr[-4000:]}"
        ) from error
    messages = []
    for message in report["messages"]:
        kind = message["type"]
        if kind == "info":
            if message.get("subType") != "warning":
                continue
            kind = "warning"
        elif kind == "non-document-error":
            kind = "could not check"
        messages.append(
            Message(
                kind=kind,
                document=_document_of(message.get("url", ""), documents),
                line=message.get("lastLine"),
                column=message.get("firstColumn"),
                text=message.get("message", ""),
                extract=message.get("extract", ""),
            )
        )
    return messages


def main(arguments):
    """Print what the checker says of the files or URLs given; exit 1 on any error."""
    try:
        messages = check(arguments)
    except (JavaMissing, NpmMissing) as error:
        print(f"html_check: {error}", file=sys.stderr)
        return 2
    for message in messages:
        print(message)
    errors = [message for message in messages if message.kind != "warning"]
    print(f"vnu {VNU_VERSION}: {len(errors)} errors, {len(messages) - len(errors)} warnings.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
