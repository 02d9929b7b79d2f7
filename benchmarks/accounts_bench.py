"""Time the ecosystem accounts against one NKI pass on the same zones, same run.

The accounts of the 98 municipalities and Denmark between two CORINE epochs need one
exact zonal pass over the paired-epoch raster; the baseline is the NKI of one epoch
(one exact pass over one band). Prints the fastest of ``--repeat`` interleaved runs
and the ratio, then the workbook time.

    .venv/bin/python benchmarks/accounts_bench.py --repeat 3
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from naturkapital.accounts.compute import compute_accounts
from naturkapital.nki.compute import compute_nki, load_zones
from naturkapital.report.accounts import write_workbook


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="frm", default="corine:1990")
    ap.add_argument("--to", default="corine:2018")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    z = load_zones()
    best = {"nki": float("inf"), "accounts": float("inf")}
    res = None
    for _ in range(args.repeat):
        t = time.perf_counter()
        compute_nki(z, landcover=args.to)
        best["nki"] = min(best["nki"], time.perf_counter() - t)
        t = time.perf_counter()
        res = compute_accounts(args.frm, args.to, z)
        best["accounts"] = min(best["accounts"], time.perf_counter() - t)
    assert res is not None
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        write_workbook(res, Path(tmp) / "accounts.xlsx")
        wb = time.perf_counter() - t
    print(f"zones: {len(z.gdf)}; {args.frm} → {args.to}; rows in the long table: "
          f"{len(res.table)}")
    print(f"NKI, one epoch (baseline): {best['nki']:.2f} s")
    print(f"accounts (extent, change matrix, condition, services): {best['accounts']:.2f} s "
          f"= {best['accounts'] / best['nki']:.2f} × baseline")
    print(f"Excel workbook: {wb:.2f} s")


if __name__ == "__main__":
    main()
