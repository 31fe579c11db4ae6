#!/usr/bin/env bash
# Installs what the tests need (Python packages, Debian's Chromium for browser tests and PNG
# rendering), then runs lint and the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
if ! command -v chromium >/dev/null 2>&1 || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  # Playwright's own browser download is not used (it cannot be fetched here); Debian's Chromium is.
  # DejaVu Sans is the PDF briefing's font (Swedish letters).
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
python3 -m ruff check .
python3 -m ruff format --check .
python3 -m pytest "$@"
