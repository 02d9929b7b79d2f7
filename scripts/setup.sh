#!/usr/bin/env bash
# Quick start, command 1: create .venv, install Naturkapital, run the main job on the
# embedded data (municipality ranking + results table + a diagram in ./out).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
if [ "${NATURKAPITAL_SKIP_MAIN_JOB:-0}" = "1" ]; then exit 0; fi
mkdir -p out
.venv/bin/naturkapital nki --out out/nki_basemap2021.csv
.venv/bin/naturkapital nki --out out/nki_basemap2021.gpkg --quiet
.venv/bin/naturkapital diagram --zone 563 --out out/nki_diagram_563_fanoe.png
echo "Resultater (results): out/nki_basemap2021.csv, out/nki_basemap2021.gpkg, out/nki_diagram_563_fanoe.png"
