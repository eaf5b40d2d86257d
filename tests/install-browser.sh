#!/bin/sh
# Debian's chromium and chromium-driver for tests/test_browser.py, from the distribution's packages (`make test`
# runs this first): the test never downloads a browser. A small Chinese font (WenQuanYi Micro Hei, 1.6 MB)
# makes the screenshots legible.
set -e
if [ "${REGIND_SKIP_BROWSER:-}" = "1" ]; then
    exit 0
fi
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "The browser test needs chromium and chromedriver: install them with your system's package manager." >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "The browser test needs Debian's chromium: run  sudo apt-get install chromium chromium-driver  once." >&2
    exit 1
fi
echo "Installing Debian's chromium, chromium-driver and a Chinese font for the browser test (once)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-wqy-microhei >/dev/null
