#!/usr/bin/env bash
# Set up ReportQA from scratch: a virtualenv in .venv with the package, its extras and test tools.
# torch is pinned to 2.13.0: on this machine that is a local CPU build; any other version would
# download gigabytes. Debian's chromium is installed for the browser test when apt is available.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[st,dev,dist]"

if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian chromium for the browser test..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
echo "ReportQA is set up in .venv"
