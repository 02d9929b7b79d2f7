"""Calibrate a scheme's nature values against published NKI figures.

The open-data NKI of a zone is the area-weighted mean nature value of its non-Andet
area (the Andet rule makes Andet neutral), so it is linear in the per-class values
x: NKI_i = Σ_c s_ic · x_c with s_ic the class shares of the non-Andet area. We fit x
by penalised least squares:

    minimise Σ_i (Σ_c s_ic x_c − y_i)² + λ · Σ_c ((x_c − p_c) / (u_c − l_c))² · N

subject to l_c ≤ x_c ≤ u_c and an ecological order (fields, towns ≤ recreation ≤
forest, lakes ≤ dry and wet nature). p, l, u are the ecological priors and ranges in
``schemes/basemap04_priors.csv`` (each with its rationale); N the number of
observations. The penalty keeps values plausible instead of merely fitted, which
generalises better to municipalities not in the calibration file. λ is chosen by
leave-one-out cross-validation over the municipalities (national row always kept):
the largest λ whose cross-validated mean absolute error is within 5 % of the best.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import spearmanr

from naturkapital.landcover.scheme import SCHEME_DIR, Scheme

PRIORS = SCHEME_DIR / "basemap04_priors.csv"
CROSSWALK = SCHEME_DIR / "corine_crosswalk.csv"
LAMBDAS = (0.0, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: (lower, higher) class pairs of Basemap04 that must keep this order.
ORDER = ((5, 9), (6, 9), (9, 8), (9, 10), (8, 7), (8, 11), (10, 7), (10, 11))
SOURCE = ("assumption: calibrated by this project against published NKI 2020 "
          "(docs/calibration.md)")


@dataclass
class Calibration:
    """Fitted values and the error they leave."""

    values: dict[int, float]
    lam: float
    loo_mae: float
    loo_rho: float
    fit_mae: float
    fit_rho: float
    table: pd.DataFrame  # per observation: published, fitted, loo prediction


def share_matrix(classes: pd.DataFrame, scheme: Scheme, ids: list[str]) -> pd.DataFrame:
    """Shares of each non-Andet class in each zone's non-Andet area (rows sum to 1).

    The row "0" (if in ``ids``) is the sum over all zones.
    """
    andet = set(scheme.table.loc[scheme.table["land_type"] == "andet", "value"])
    c = classes[~classes["value"].isin(andet)]
    area = c.pivot_table(index="zone_id", columns="value", values="area_ha", aggfunc="sum",
                         fill_value=0.0)
    area.loc["0"] = area.sum()
    area = area.reindex(ids).fillna(0.0)
    return area.div(area.sum(axis=1), axis=0)


def penalised_lsq(s: np.ndarray, y: np.ndarray, prior: np.ndarray, lower: np.ndarray,
                  upper: np.ndarray, lam: float, ineq: np.ndarray | None = None,
                  limit: np.ndarray | None = None) -> np.ndarray:
    """argmin Σ (s x − y)² + λ · N · Σ ((x − prior) / (upper − lower))²
    subject to lower ≤ x ≤ upper and ``ineq @ x ≤ limit`` (SLSQP, deterministic)."""
    width = upper - lower
    n = len(y)

    def loss(x: np.ndarray) -> float:
        r = s @ x - y
        return float(r @ r + lam * n * np.sum(((x - prior) / width) ** 2))

    def grad(x: np.ndarray) -> np.ndarray:
        return 2 * s.T @ (s @ x - y) + 2 * lam * n * (x - prior) / width**2

    cons = []
    if ineq is not None and len(ineq):
        cons = [{"type": "ineq", "fun": lambda x: limit - ineq @ x, "jac": lambda x: -ineq}]
    res = minimize(loss, prior, jac=grad, bounds=list(zip(lower, upper, strict=True)),
                   constraints=cons, method="SLSQP", options={"maxiter": 500, "ftol": 1e-10})
    return res.x


def fit(s: np.ndarray, y: np.ndarray, priors: pd.DataFrame, lam: float,
        codes: list[int]) -> np.ndarray:
    """Penalised, bounded, order-constrained least squares (see module docstring)."""
    p = priors.set_index("value").loc[codes]
    pos = {c: i for i, c in enumerate(codes)}
    order = [_unit(len(codes), pos[a], pos[b]) for a, b in ORDER if a in pos and b in pos]
    return penalised_lsq(s, y, p["prior"].to_numpy(float), p["lower"].to_numpy(float),
                         p["upper"].to_numpy(float), lam,
                         np.array(order) if order else None, np.zeros(len(order)))


def _unit(n: int, plus: int, minus: int) -> np.ndarray:
    v = np.zeros(n)
    v[plus], v[minus] = 1.0, -1.0
    return v


def calibrate(classes: pd.DataFrame, scheme: Scheme, published: pd.DataFrame,
              priors: pd.DataFrame | None = None) -> Calibration:
    """Fit the scheme's nature values to ``published`` (columns zone_id, nki)."""
    priors = pd.read_csv(PRIORS) if priors is None else priors
    ids = published["zone_id"].astype(str).tolist()
    shares = share_matrix(classes, scheme, ids)
    codes = [c for c in priors["value"] if c in shares.columns]
    s = shares[codes].to_numpy(float)
    y = published["nki"].to_numpy(float)
    muni = np.array([i != "0" for i in ids])
    runs: list[tuple[float, float, float, np.ndarray]] = []
    for lam in LAMBDAS:
        loo = np.full(len(y), np.nan)
        for k in np.flatnonzero(muni):
            keep = np.arange(len(y)) != k
            loo[k] = s[k] @ fit(s[keep], y[keep], priors, lam, codes)
        mae = float(np.mean(np.abs(loo[muni] - y[muni])))
        rho = float(spearmanr(loo[muni], y[muni]).statistic)
        runs.append((lam, mae, rho, loo))
    # The strongest pull towards the ecological priors whose cross-validated error is
    # within 5 % of the best: plausible values over merely fitted ones.
    best_mae = min(r[1] for r in runs)
    lam, loo_mae, loo_rho, loo = max((r for r in runs if r[1] <= 1.05 * best_mae),
                                     key=lambda r: r[0])
    x = fit(s, y, priors, lam, codes)
    fitted = s @ x
    table = pd.DataFrame({"zone_id": ids, "published": y, "fitted": fitted, "loo": loo})
    return Calibration(
        values={int(c): float(v) for c, v in zip(codes, x, strict=True)}, lam=lam,
        loo_mae=loo_mae, loo_rho=loo_rho,
        fit_mae=float(np.mean(np.abs(fitted[muni] - y[muni]))),
        fit_rho=float(spearmanr(fitted[muni], y[muni]).statistic), table=table)


def apply_values(scheme_csv: Path, values: dict[int, float]) -> pd.DataFrame:
    """The Basemap04 scheme table with calibrated values (rounded to 0.1)."""
    t = pd.read_csv(scheme_csv, dtype=str, keep_default_na=False)
    for code, v in values.items():
        t.loc[t["value"] == str(code), "nature_value"] = f"{v:.1f}"
        t.loc[t["value"] == str(code), "source"] = SOURCE
    return t


def corine_from_basemap(basemap: pd.DataFrame) -> pd.DataFrame:
    """CORINE scheme: land type from the cross-walk, value of the analogous Basemap class."""
    cw = pd.read_csv(CROSSWALK, dtype=str, keep_default_na=False)
    bm = basemap.set_index("value")
    rows = []
    for r in cw.itertuples():
        if r.land_type == "andet":
            value, source = "0", ("not used: Andet takes the zone's mean value of the other "
                                  "types (DCE NKI method)")
        else:
            value = bm.loc[r.basemap04_value, "nature_value"]
            source = (f"assumption: cross-walk to calibrated Basemap04 class "
                      f"{r.basemap04_value} ({bm.loc[r.basemap04_value, 'label']})")
        rows.append({"value": r.value, "label": f"{r.clc_code} {r.label}",
                     "land_type": r.land_type, "nature_value": value, "source": source})
    return pd.DataFrame(rows)


def read_published(path: str | Path) -> pd.DataFrame:
    """Published NKI values (columns ``kommune_code,nki_2020``) with ``zone_id`` and
    ``nki`` added; a one-line :class:`InputError` naming the file otherwise."""
    from naturkapital.core.errors import InputError
    from naturkapital.io.local import check_local

    p = check_local(path, "published-NKI table")
    if p.is_dir() or p.stat().st_size == 0:
        raise InputError(p, "the published-NKI table is empty or a folder; give a CSV with "
                            "kommune_code,nki_2020")
    try:
        pub = pd.read_csv(p)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
            OSError) as exc:
        first = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise InputError(p, f"cannot read the CSV ({first})") from None
    if not {"kommune_code", "nki_2020"} <= set(pub.columns):
        raise InputError(p, "needs columns kommune_code,nki_2020")
    nki = pd.to_numeric(pub["nki_2020"], errors="coerce")
    if nki.isna().any() or not np.isfinite(nki).all() or ((nki < 0) | (nki > 100)).any():
        raise InputError(p, "nki_2020 must be a number from 0 to 100 in every row")
    pub["zone_id"], pub["nki"] = pub["kommune_code"].astype(str), nki
    return pub


# ---------------------------------------------------------------------------------------
# The context proxy (landcover/context.py): value = base_t + gain_t · f

CONTEXT_PRIORS = SCHEME_DIR / "context_priors.csv"
#: Window radii (m) tried by the cross-validation.
RADII = (300.0, 500.0, 1000.0, 2000.0)
CONTEXT_SOURCE = ("assumption: calibrated by this project against published NKI 2020, "
                  "leave-one-out cross-validated (docs/calibration.md)")


@dataclass
class ContextSums:
    """Per zone (index zone_id, "0" = all zones) × land type (columns KEYS): area A (ha)
    and F = Σ area · f (ha) for one window radius."""

    radius_m: float
    area: pd.DataFrame
    f: pd.DataFrame


@dataclass
class ContextCalibration:
    """Fitted context parameters and the errors they leave (in-sample and LOO)."""

    radius_m: float
    lam: float
    groups: dict[str, float]
    table: pd.DataFrame  # per target row: zone_id, target (nki/natur), published, fitted, loo
    runs: pd.DataFrame  # every (radius, λ) tried with its LOO MAE and ρ

    def parameters(self, priors: pd.DataFrame | None = None) -> pd.DataFrame:
        """The ``schemes/context.csv`` table of these parameters."""
        priors = pd.read_csv(CONTEXT_PRIORS) if priors is None else priors
        rows = [{"parameter": "radius_m", "land_type": "", "value": f"{self.radius_m:g}",
                 "source": CONTEXT_SOURCE}]
        for r in priors.itertuples():
            rows.append({"parameter": r.parameter, "land_type": r.land_type,
                         "value": f"{self.groups[r.group]:.2f}", "source": CONTEXT_SOURCE})
        return pd.DataFrame(rows)


def design(sums: ContextSums, priors: pd.DataFrame, rows: list[tuple[str, str]]
           ) -> tuple[np.ndarray, list[str]]:
    """Design matrix: one row per (zone_id, target) with target ``nki`` (over the
    non-Andet area, the Andet rule) or ``natur`` (over the nature area), one column
    per parameter group. The modelled index is linear in the groups."""
    from naturkapital.landcover.landtypes import KEYS, NATURE_KEYS

    groups = list(dict.fromkeys(priors["group"]))
    col = {g: i for i, g in enumerate(groups)}
    x = np.zeros((len(rows), len(groups)))
    parts = {"base": sums.area, "gain": sums.f}
    for k, (zid, target) in enumerate(rows):
        types = [t for t in KEYS if t != "andet"] if target == "nki" else list(NATURE_KEYS)
        denom = float(sums.area.loc[zid, types].sum())
        for r in priors.itertuples():
            if r.land_type in types and denom > 0:
                x[k, col[r.group]] += float(parts[r.parameter].loc[zid, r.land_type]) / denom
    return x, groups


def _prior_arrays(priors: pd.DataFrame, groups: list[str]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Prior, bounds and the ≤ 100 constraint (base + gain per land type)."""
    g = priors.drop_duplicates("group").set_index("group").loc[groups]
    col = {name: i for i, name in enumerate(groups)}
    ineq = []
    for _, rows in priors.groupby("land_type", sort=True):
        v = np.zeros(len(groups))
        for grp in rows["group"]:
            v[col[grp]] += 1.0
        ineq.append(v)
    return (g["prior"].to_numpy(float), g["lower"].to_numpy(float),
            g["upper"].to_numpy(float), np.array(ineq))


def targets(published: pd.DataFrame) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Target rows (zone_id, nki|natur) and values from the published table (columns
    zone_id, nki and optionally nki_natur_2020)."""
    rows, y = [], []
    for r in published.itertuples():
        rows.append((str(r.zone_id), "nki"))
        y.append(float(r.nki))
    if "nki_natur_2020" in published.columns:
        nat = published.dropna(subset=["nki_natur_2020"])
        for r in nat.itertuples():
            rows.append((str(r.zone_id), "natur"))
            y.append(float(r.nki_natur_2020))
    return rows, np.array(y)


def loo_predictions(x: np.ndarray, y: np.ndarray, rows: list[tuple[str, str]],
                    priors: pd.DataFrame, groups: list[str], lam: float) -> np.ndarray:
    """Leave-one-municipality-out predictions: every municipality's rows (NKI and NKI
    natur) predicted from a fit without them; the national rows are always kept (their
    prediction is the in-sample fit). Deterministic."""
    prior, lower, upper, ineq = _prior_arrays(priors, groups)
    limit = np.full(len(ineq), 100.0)
    out = np.full(len(y), np.nan)
    zones = np.array([z for z, _ in rows])
    for zid in dict.fromkeys(z for z in zones if z != "0"):
        hold = zones == zid
        theta = penalised_lsq(x[~hold], y[~hold], prior, lower, upper, lam, ineq, limit)
        out[hold] = x[hold] @ theta
    full = penalised_lsq(x, y, prior, lower, upper, lam, ineq, limit)
    out[zones == "0"] = x[zones == "0"] @ full
    return out


def scores(pred: np.ndarray, y: np.ndarray, rows: list[tuple[str, str]], target: str
           ) -> tuple[float, float, int]:
    """(MAE, Spearman ρ, n) over the municipalities' rows of one target (national row
    excluded; ρ is NaN with fewer than 3 rows)."""
    sel = np.array([t == target and z != "0" for z, t in rows])
    if not sel.any():
        return float("nan"), float("nan"), 0
    mae = float(np.mean(np.abs(pred[sel] - y[sel])))
    rho = float(spearmanr(pred[sel], y[sel]).statistic) if sel.sum() >= 3 else float("nan")
    return mae, rho, int(sel.sum())


def calibrate_context(sums_by_radius: dict[float, ContextSums], published: pd.DataFrame,
                      priors: pd.DataFrame | None = None,
                      lambdas: tuple[float, ...] = LAMBDAS) -> ContextCalibration:
    """Fit the context parameters; radius and λ by leave-one-municipality-out CV.

    The chosen (radius, λ): the strongest pull towards the priors (largest λ) among
    those whose cross-validated NKI mean absolute error is within 5 % of the best, the
    smaller radius on ties. NKI and NKI natur targets enter the same least squares.
    """
    priors = pd.read_csv(CONTEXT_PRIORS) if priors is None else priors
    rows, y = targets(published)
    runs = []
    for radius, sums in sorted(sums_by_radius.items()):
        x, groups = design(sums, priors, rows)
        for lam in lambdas:
            loo = loo_predictions(x, y, rows, priors, groups, lam)
            mae, rho, _ = scores(loo, y, rows, "nki")
            runs.append({"radius_m": radius, "lambda": lam, "loo_mae": mae, "loo_rho": rho,
                         "loo": loo})
    best = min(r["loo_mae"] for r in runs)
    ok = [r for r in runs if r["loo_mae"] <= 1.05 * best]
    pick = max(ok, key=lambda r: (r["lambda"], -r["radius_m"]))
    sums = sums_by_radius[pick["radius_m"]]
    x, groups = design(sums, priors, rows)
    prior, lower, upper, ineq = _prior_arrays(priors, groups)
    theta = penalised_lsq(x, y, prior, lower, upper, pick["lambda"], ineq,
                          np.full(len(ineq), 100.0))
    table = pd.DataFrame({"zone_id": [z for z, _ in rows], "target": [t for _, t in rows],
                          "published": y, "fitted": x @ theta, "loo": pick["loo"]})
    return ContextCalibration(
        radius_m=pick["radius_m"], lam=pick["lambda"],
        groups={g: float(v) for g, v in zip(groups, theta, strict=True)}, table=table,
        runs=pd.DataFrame(runs).drop(columns="loo"))
