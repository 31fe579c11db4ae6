#!/usr/bin/env bash
# Installs what the tests need (Python packages, Debian's Chromium for browser tests and PNG
# rendering, Debian's PostgreSQL for the store's tests), starts a throwaway PostgreSQL server, runs
# lint and the whole test suite, and stops the server. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
if ! command -v chromium >/dev/null 2>&1 || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  # Playwright's own browser download is not used (it cannot be fetched here); Debian's Chromium is.
  # DejaVu Sans is the PDF briefing's font (Swedish letters).
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
# The scale-out test runs nginx (Debian's) in front of two Streamlit processes (deploy/).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq nginx >/dev/null; } || echo "nginx kunde inte installeras" >&2
fi
# The store's tests run against SQLite and a real PostgreSQL server (scripts/postgres.sh installs
# Debian's postgresql if missing). Where it cannot be installed, those tests are skipped with a reason.
PGDIR=$(mktemp -u /tmp/finsam-pg-XXXXXX)
trap 'bash scripts/postgres.sh stop "$PGDIR"' EXIT
if url=$(bash scripts/postgres.sh start "$PGDIR"); then
  export FINSAM_TEST_PG_URL="$url"
  echo "PostgreSQL för testerna: $PGDIR"
else
  echo "PostgreSQL kunde inte startas; testerna mot PostgreSQL hoppas över" >&2
fi
python3 -m ruff check .
python3 -m ruff format --check .
python3 -m pytest "$@"
