#!/usr/bin/env bash
# Quick start, command 2: run the test suite. Installs the package into .venv if it is
# missing, and starts the services the tests need (PostgreSQL/PostGIS, Chromium) when
# scripts/services.sh exists. Pytest's "no tests collected" (exit 5) counts as failure.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/naturkapital ]; then
  NATURKAPITAL_SKIP_MAIN_JOB=1 bash scripts/setup.sh || exit 1
fi
if [ -f scripts/services.sh ]; then
  # shellcheck disable=SC1091
  source scripts/services.sh || { echo "services failed to start" >&2; exit 1; }
fi
.venv/bin/ruff check src tests benchmarks qgis || exit 1
# Layers (pyproject.toml [tool.importlinter]): models never import report/server/cli.
.venv/bin/lint-imports --no-cache || exit 1
.venv/bin/python -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$rc"
