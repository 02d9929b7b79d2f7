"""Profile the chunked NKI engine on one thread with pyinstrument.

Runs the engine with the ``synchronous`` scheduler (every block in this process, so
the profile sees all the work) on the national 10 m input, or a cut-out of it, and
prints the call tree; ``--html`` also writes an interactive report.

    .venv/bin/python benchmarks/profile_engine.py                      # all of Denmark
    .venv/bin/python benchmarks/profile_engine.py --bbox 440000,6100000,520000,6180000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pyinstrument import Profiler

from naturkapital.bench.national_input import generate_national
from naturkapital.landcover.bioscore import parse_rule
from naturkapital.landcover.scheme import load_scheme
from naturkapital.landcover.sources import Landcover
from naturkapital.nki.compute import load_zones
from naturkapital.nki.zonal import DaskEngine, zonal_class_areas


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("benchmarks/data"))
    ap.add_argument("--bbox", help="XMIN,YMIN,XMAX,YMAX (EPSG:25832 m)")
    ap.add_argument("--html", type=Path, help="also write an HTML report here")
    args = ap.parse_args()
    bbox = tuple(float(v) for v in args.bbox.split(",")) if args.bbox else None
    data = generate_national(args.data, bbox=bbox)
    zones = load_zones().gdf
    lc = Landcover(data.landcover, 1, load_scheme("basemap04"), data.landcover.name)
    profiler = Profiler(interval=0.005)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    with profiler:
        zonal_class_areas(zones, lc, "zones", data.bioscore, parse_rule(),
                          dask=DaskEngine("synchronous"))
    print(f"wall {time.perf_counter() - t0:.1f} s, cpu {time.process_time() - cpu0:.1f} s")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        args.html.write_text(profiler.output_html())


if __name__ == "__main__":
    main()
