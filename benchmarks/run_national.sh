#!/usr/bin/env bash
# National 10 m NKI benchmark: generates benchmarks/data on the first run (about 2 min,
# 200 MB, not committed), then measures NumPy / engine / exactextract / rasterstats.
# The JSON result lands next to the data. Extra arguments go to `bench nki-national`,
# e.g. --repeat 3, --scheduler threads, --no-exactextract.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-benchmarks/data}
stamp=$(date +%Y%m%dT%H%M%S)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
.venv/bin/naturkapital bench make-national --out "$DATA"
.venv/bin/naturkapital bench nki-national --data "$DATA" --out "$DATA/nki_national_$stamp.json" "$@"
