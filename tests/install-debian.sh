#!/bin/sh
# What the tests need from Debian's packages, installed once (`make test` runs this first); nothing is downloaded
# at test time.
# - chromium and chromium-driver for tests/test_browser.py, with a small Chinese font (WenQuanYi Micro Hei,
#   1.6 MB) that makes the screenshots legible (REGIND_SKIP_BROWSER=1 skips them);
# - postgresql for tests/test_lake.py, which starts its own throwaway server on loopback (tests/postgres.py).
set -e
PACKAGES=""
if [ "${REGIND_SKIP_BROWSER:-}" != "1" ] && ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then
    PACKAGES="chromium chromium-driver fonts-wqy-microhei"
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
    PACKAGES="$PACKAGES postgresql"
fi
if [ -z "$PACKAGES" ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "The tests need $PACKAGES: install them with your system's package manager." >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "The tests need Debian's $PACKAGES: run  sudo apt-get install $PACKAGES  once." >&2
    exit 1
fi
echo "Installing Debian's $PACKAGES for the tests (once)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
