"""Targets and the tracking sheet: per district, each target's value, gap and status.

Built-in targets (``tables/targets.csv``): GBF indicator 12.1, the 300 m rule and the
three parts of 3-30-300, each with its published source. Users add their own rows (a
plan's greening %, Berlin Urban Nature Pact targets they adopted) in a CSV with the
same columns; a target without a threshold is tracked as a trend only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from naturkapital.core.errors import InputError

TARGETS_TABLE = Path(__file__).resolve().parent / "tables" / "targets.csv"
COLUMNS = ("target", "indicator", "threshold", "comparison", "year", "source")
COMPARISONS = (">=", "<=", "increase", "decrease")
#: District-table columns a target may use.
INDICATORS = ("greening_pct", "public_green_blue_pct", "canopy_pct", "within_rule_pct",
              "median_network_m", "mean_network_m", "mean_straight_m", "pass_3_pct",
              "pass_30_pct", "pass_300_pct", "pass_all_pct", "gini_distance",
              "least_served_fifth_from_m", "least_served_fifth_mean_m",
              "largest_component_pct", "green_blue_components", "unreachable_pct")


def _read(path: Path) -> pd.DataFrame:
    try:
        t = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError,
            UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the targets CSV ({exc})") from None
    missing = [c for c in COLUMNS if c not in t.columns]
    if missing:
        raise InputError(path, f"targets CSV is missing column(s) {', '.join(missing)}; "
                               f"expected {','.join(COLUMNS)}")
    bad = sorted(set(t["indicator"]) - set(INDICATORS))
    if bad:
        raise InputError(path, f"unknown indicator {', '.join(bad)}; use one of "
                               f"{', '.join(INDICATORS)}")
    bad = sorted(set(t["comparison"]) - set(COMPARISONS))
    if bad:
        raise InputError(path, f"unknown comparison {', '.join(bad)}; use "
                               f"{', '.join(COMPARISONS)}")
    thr = pd.to_numeric(t["threshold"].replace("", np.nan), errors="coerce")
    if (thr.isna() & t["threshold"].ne("")).any():
        raise InputError(path, "threshold must be a number (or empty for a trend target)")
    if (thr.isna() & t["comparison"].isin([">=", "<="])).any():
        raise InputError(path, "a target compared with >= or <= needs a threshold")
    if t["source"].str.strip().eq("").any():
        raise InputError(path, "every target needs a source (the plan or document it comes "
                               "from)")
    t["threshold"] = thr
    return t[list(COLUMNS)]


def load_targets(user: str | Path | None = None) -> pd.DataFrame:
    """The built-in targets plus the user's rows."""
    t = _read(TARGETS_TABLE)
    if user is not None:
        p = Path(user)
        if not p.exists():
            raise InputError(p, "file not found / filen findes ikke")
        t = pd.concat([t, _read(p)], ignore_index=True)
    return t


def tracking(districts: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """One row per target and district: value, threshold, gap (how far from the
    threshold, positive = missing) and status."""
    rows = []
    for tg in targets.itertuples():
        for d in districts.itertuples():
            value = getattr(d, tg.indicator)
            thr = tg.threshold
            if value is None or pd.isna(value):
                gap, status = np.nan, "ingen data / no data"
            elif tg.comparison in ("increase", "decrease") or pd.isna(thr):
                gap, status = np.nan, "ingen tærskel, følg udviklingen / no threshold, track " \
                                      "the trend"
            else:
                gap = float(thr - value) if tg.comparison == ">=" else float(value - thr)
                status = "opfyldt / met" if gap <= 1e-9 else "ikke opfyldt / not met"
                gap = max(gap, 0.0)
            rows.append({"district_id": d.district_id, "name": d.name, "target": tg.target,
                         "indicator": tg.indicator, "value": value, "comparison": tg.comparison,
                         "threshold": thr, "gap": gap, "status": status, "year": tg.year,
                         "source": tg.source})
    return pd.DataFrame(rows)
