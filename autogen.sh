#!/bin/sh
# Generate the build system from a git checkout (tarballs ship it).
set -e
cd "$(dirname "$0")"
autoreconf -fi
# automake ships the TAP driver but does not copy it by itself.
for d in /usr/share/automake-*; do
	[ -f "$d/tap-driver.sh" ] && cp -f "$d/tap-driver.sh" build-aux/ && break
done
test -f build-aux/tap-driver.sh || {
	echo "autogen.sh: tap-driver.sh not found (install automake)" >&2
	exit 1
}
