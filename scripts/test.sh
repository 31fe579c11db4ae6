#!/usr/bin/env bash
# Installs what the tests need, then runs lint and the whole test suite (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
python3 -m ruff check .
python3 -m ruff format --check .
python3 -m pytest "$@"
