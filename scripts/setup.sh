#!/usr/bin/env bash
# Set up ReportQA from scratch: a virtualenv in .venv with the package, its extras and test tools.
# torch is pinned to 2.13.0: on this machine that is a local CPU build; any other version would
# download gigabytes. Debian's chromium (browser test) and fonts-noto-cjk (Chinese text in the
# page images and screenshots) are installed when apt is available.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[st,dev]"

FONTS="$(fc-list 2>/dev/null || true)"
if { [ ! -x /usr/bin/chromium ] || [[ "$FONTS" != *"Noto Sans CJK"* ]]; } &&
   command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian chromium and fonts-noto-cjk for the browser test..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
    fonts-noto-cjk >/dev/null
fi
echo "ReportQA is set up in .venv"
