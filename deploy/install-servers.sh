#!/bin/sh
# Installs the Debian packages of the programs that run around Django, only those missing.
# Python never installs packages: make and .ci/run call this script, then deploy/stack.py
# only checks and names what is still missing.
#
#   deploy/install-servers.sh cache            Varnish and its xkey module (make serve, make servers)
#   deploy/install-servers.sh cache bench      also wrk and nginx (make bench)
#   deploy/install-servers.sh cache browser    also Chromium, npm and Java (the browser tests and
#                                              the HTML checker, vnu, which runs on Java; CI)
#
# Runs apt-get as root, or through sudo otherwise.
set -eu

missing=""
want() {  # want PACKAGE PRESENT-TEST...
    package=$1
    shift
    if ! "$@" >/dev/null 2>&1; then
        missing="$missing $package"
    fi
}
has_program() {
    PATH="$PATH:/usr/sbin" command -v "$1"
}
has_xkey() {  # Debian puts Varnish's modules under /usr/lib/<architecture>/varnish/vmods
    ls /usr/lib/*/varnish/vmods/libvmod_xkey.so /usr/lib/varnish/vmods/libvmod_xkey.so \
       /usr/local/lib/varnish/vmods/libvmod_xkey.so 2>/dev/null | grep -q .
}

[ $# -gt 0 ] || set -- cache
for group in "$@"; do
    case $group in
        cache)
            want varnish has_program varnishd
            want varnish-modules has_xkey
            ;;
        bench)
            want wrk has_program wrk
            want nginx has_program nginx
            ;;
        browser)
            want chromium test -x /usr/bin/chromium
            want npm has_program npm
            want default-jre-headless has_program java
            ;;
        *)
            echo "usage: $0 [cache] [bench] [browser]" >&2
            exit 2
            ;;
    esac
done

if [ -z "$missing" ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing:$missing. This script knows Debian's apt-get only: install them by hand." >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "Installing Debian's$missing (apt-get; needs root or sudo)..."
$sudo apt-get update -qq
# shellcheck disable=SC2086 # one word per package
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
