"""Land consolidation from files: read and check the inputs, solve, and build the
outputs (swap list, balance sheet per owner, project coherence, scenario layer).

Python API: :func:`consolidate` returns a :class:`ConsolidationResult`;
:func:`write_scenario` writes the plan as a scenario GeoPackage that
``naturkapital scenario evaluate --scenario plan.gpkg`` reads unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from naturkapital.consolidation.model import (
    BANK,
    ECA_DISPERSAL_M,
    PROJECT,
    Fabric,
    Plan,
    Rules,
    Weights,
    greedy,
    pieces,
    project_eca,
    solve,
)
from naturkapital.core.errors import InputError
from naturkapital.core.numbers import check_number
from naturkapital.io.output import check_out, write_atomic
from naturkapital.io.vectors import read_vector

TABLES = Path(__file__).resolve().parent / "tables"
SOIL_TABLE = TABLES / "soil_value.csv"
TARGET_TABLE = TABLES / "target_use.csv"
#: Share of a parcel's area inside the project area from which it goes to the project.
IN_PROJECT_SHARE = 0.5
TARGET_USES: tuple[str, ...] = ("wet_nature", "forest", "dry_nature", "groundwater")
RECEIVER_LABEL = {PROJECT: "projekt (project)", BANK: "jordbank (land bank)"}


@dataclass
class ConsolidationResult:
    """The plan and its tables."""

    plan: Plan
    baseline: Plan
    swaps: pd.DataFrame
    balance: pd.DataFrame
    scenario: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    summary: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    #: Each owner's farm point (x, y) in the parcels' CRS.
    farms: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: The project area(s) as given, in the parcels' CRS.
    project_area: gpd.GeoDataFrame | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: swaps, balance, summary, meta."""
        import json

        return {"swaps": json.loads(self.swaps.to_json(orient="records", force_ascii=False)),
                "balance": json.loads(self.balance.to_json(orient="records",
                                                           force_ascii=False)),
                "summary": self.summary, "meta": self.meta}


def load_table(path: str | Path, key: str, value: str) -> tuple[dict[str, Any], list[str]]:
    """A CSV table of ``key`` → ``value`` with a ``source`` column; returns the mapping
    and the rows whose source starts with ``assumption:``."""
    p = Path(path)
    try:
        t = pd.read_csv(p, dtype={key: str}, encoding="utf-8-sig")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(p, f"cannot read the table ({exc.__class__.__name__})") from None
    for col in (key, value, "source"):
        if col not in t.columns:
            raise InputError(p, f"the table needs a column {col!r}")
    if t["source"].isna().any() or (t["source"].astype(str).str.strip() == "").any():
        raise InputError(p, "every row needs a source (or 'assumption: …')")
    t[key] = t[key].astype(str).str.strip()
    if t[key].duplicated().any():
        raise InputError(p, f"{key} {t.loc[t[key].duplicated(), key].iloc[0]} is listed "
                            "twice")
    mapping = dict(zip(t[key], t[value], strict=True))
    assumptions = [f"{p.name}: {k} = {v} ({s})" for k, v, s in
                   zip(t[key], t[value], t["source"].astype(str), strict=True)
                   if s.strip().lower().startswith("assumption")]
    return mapping, assumptions


def _field(gdf: gpd.GeoDataFrame, name: str, source: str, option: str) -> pd.Series:
    if name not in gdf.columns:
        cols = ", ".join(c for c in gdf.columns if c != gdf.geometry.name)
        raise InputError(source, f"no field {name!r} ({option}); fields: {cols}")
    return gdf[name]


def _ids(s: pd.Series) -> pd.Series:
    return s.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer()
                 else str(v).strip())


def _read_parcels(path: str | Path, id_field: str, owner_field: str | None,
                  value_field: str | None, soil_field: str | None,
                  soil_values: dict[str, Any], crs: Any | None) -> gpd.GeoDataFrame:
    src = str(path)
    g = read_vector(path)
    if g.crs is None:
        raise InputError(src, "the file has no CRS")
    if len(g) == 0:
        raise InputError(src, "the file has no parcels")
    if not g.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise InputError(src, "parcels must be polygons")
    if crs is not None:
        g = g.to_crs(crs)
    elif g.crs.is_geographic:
        g = g.to_crs(25832)
    if not g.is_valid.all():
        bad = int(np.flatnonzero(~g.is_valid.to_numpy())[0])
        raise InputError(src, f"parcel #{bad + 1} has an invalid geometry")
    out = gpd.GeoDataFrame({"parcel_id": _ids(_field(g, id_field, src, "--id-field"))},
                           geometry=g.geometry.values, crs=g.crs)
    dup = out["parcel_id"].duplicated()
    if dup.any():
        raise InputError(src, f"parcel id {out.loc[dup, 'parcel_id'].iloc[0]} occurs twice")
    out["owner"] = (_ids(_field(g, owner_field, src, "--owner-field"))
                    if owner_field else BANK)
    if (out["owner"] == BANK).any() and owner_field:
        raise InputError(src, f"owner id {BANK} is reserved")
    out["area_ha"] = out.geometry.area / 10_000.0
    if value_field:
        v = pd.to_numeric(_field(g, value_field, src, "--value-field"), errors="coerce")
        bad = ~np.isfinite(v.to_numpy(dtype=float)) | (v.to_numpy(dtype=float) < 0)
        if bad.any():
            raise InputError(src, f"parcel {out['parcel_id'].iloc[int(np.flatnonzero(bad)[0])]}"
                                  f" has no valid value in {value_field!r} (DKK/ha, ≥ 0)")
        per_ha = v.to_numpy(dtype=float)
    elif soil_field:
        cls = _ids(_field(g, soil_field, src, "--soil-field"))
        unknown = ~cls.isin(list(soil_values))
        if unknown.any():
            raise InputError(src, f"soil class {cls[unknown].iloc[0]!r} is not in the value "
                                  f"table ({', '.join(soil_values)})")
        per_ha = cls.map(soil_values).to_numpy(dtype=float)
    else:
        raise InputError("--value-field", "give --value-field (DKK/ha) or --soil-field (a "
                                          "soil-quality class converted by the value table)")
    out["value_dkk_per_ha"] = per_ha
    out["value_dkk"] = per_ha * out["area_ha"].to_numpy()
    return out


def _project_share(parcels: gpd.GeoDataFrame, project: gpd.GeoDataFrame) -> np.ndarray:
    """Share of each parcel's area inside the project area."""
    union = project.geometry.union_all()
    inter = parcels.geometry.intersection(union).area.to_numpy()
    return inter / np.maximum(parcels.geometry.area.to_numpy(), 1e-9)


def _names(values: Iterable[str] | None) -> frozenset[str]:
    return frozenset(str(v).strip() for v in (values or ()) if str(v).strip())


def consolidate(
    parcels: str | Path | None = None,
    farms: str | Path | None = None,
    project: str | Path | None = None,
    land_bank: str | Path | None = None,
    id_field: str = "parcel_id",
    owner_field: str = "owner",
    value_field: str | None = None,
    soil_field: str | None = None,
    farm_owner_field: str = "owner",
    target_use: str = "wet_nature",
    tolerance: float = 0.05,
    sellers: Iterable[str] | None = None,
    fixed: Iterable[str] | None = None,
    max_cash: float | None = None,
    weight_distance: float = 1.0,
    weight_move: float = 0.5,
    weight_cash: float = 1.0,
    time_limit: float = 60.0,
    value_table: str | Path | None = None,
    label: str | None = None,
    max_parcels: int | None = None,
    demo: str | None = None,
) -> ConsolidationResult:
    """The swap plan for ``parcels`` (owners in ``owner_field``), the owners' ``farms``
    (points with ``farm_owner_field``) and the ``project`` area (polygons, optional
    field ``target_use``); ``land_bank``: parcels for sale (same id and value fields).
    Every problem with the inputs — and every infeasible plan — raises one
    :class:`InputError` naming the file, option or binding constraint."""
    if demo is not None:
        return _demo(demo, parcels, farms, project, land_bank, target_use=target_use,
                     tolerance=tolerance, sellers=sellers, fixed=fixed, max_cash=max_cash,
                     weight_distance=weight_distance, weight_move=weight_move,
                     weight_cash=weight_cash, time_limit=time_limit)
    for name, val in (("--parcels", parcels), ("--farms", farms), ("--project", project)):
        if val is None:
            raise InputError(name, "is required (or run the demo: --demo endelave)")
    assert parcels is not None and farms is not None and project is not None
    check_number(tolerance, "--tolerance", at_least=0, at_most=1)
    if max_cash is not None:
        check_number(max_cash, "--max-cash", at_least=0)
    for name, w in (("--weight-distance", weight_distance), ("--weight-move", weight_move),
                    ("--weight-cash", weight_cash)):
        check_number(w, name, at_least=0)
    check_number(time_limit, "--time-limit", above=0, at_most=3600)
    if target_use not in TARGET_USES:
        raise InputError("--target-use", f"must be one of {', '.join(TARGET_USES)}")
    soil_values, assumptions = load_table(value_table or SOIL_TABLE, "soil_class",
                                          "value_dkk_per_ha")
    targets, target_assumptions = load_table(TARGET_TABLE, "target_use", "to_class")
    if not soil_field:
        assumptions = []
    p = _read_parcels(parcels, id_field, owner_field, value_field, soil_field,
                      soil_values, None)
    if land_bank is not None:
        b = _read_parcels(land_bank, id_field, None, value_field, soil_field, soil_values,
                          p.crs)
        dup = b["parcel_id"].isin(p["parcel_id"])
        if dup.any():
            raise InputError(str(land_bank), f"parcel id {b.loc[dup, 'parcel_id'].iloc[0]} "
                                             "is also in the parcels file")
        p = gpd.GeoDataFrame(pd.concat([p, b], ignore_index=True), geometry="geometry",
                             crs=p.crs)
    if max_parcels is not None and len(p) > max_parcels:
        raise InputError(str(parcels), f"{len(p)} parcels; at most {max_parcels} here")
    proj = read_vector(project)
    if proj.crs is None:
        raise InputError(str(project), "the file has no CRS")
    if len(proj) == 0 or not proj.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise InputError(str(project), "the project area must be polygons")
    proj = proj.to_crs(p.crs)
    share = _project_share(p, proj)
    p["in_project"] = share >= IN_PROJECT_SHARE
    # target use per project parcel: the project polygon under its representative point
    use = pd.Series(target_use, index=p.index)
    if "target_use" in proj.columns:
        bad = ~proj["target_use"].astype(str).isin(TARGET_USES)
        if bad.any():
            raise InputError(str(project), f"target_use {proj.loc[bad, 'target_use'].iloc[0]!r}"
                                           f" is not one of {', '.join(TARGET_USES)}")
        pts = gpd.GeoDataFrame(geometry=p.geometry.representative_point(), crs=p.crs)
        hit = gpd.sjoin(pts, proj[["target_use", "geometry"]], how="left",
                        predicate="within")
        hit = hit[~hit.index.duplicated()]
        use = hit["target_use"].fillna(target_use).astype(str)
    p["target_use"] = np.where(p["in_project"], use.to_numpy(), "")

    fm = read_vector(farms)
    if fm.crs is None:
        raise InputError(str(farms), "the file has no CRS")
    if not fm.geom_type.isin(["Point"]).all():
        raise InputError(str(farms), "farms must be points")
    fm = fm.to_crs(p.crs)
    fo = _ids(_field(fm, farm_owner_field, str(farms), "--farm-owner-field"))
    farm_xy = {o: (float(g.x), float(g.y)) for o, g in zip(fo, fm.geometry, strict=True)}
    sel, fix = _names(sellers), _names(fixed)
    owners = set(p["owner"]) - {BANK}
    for s in sel:
        if s not in owners:
            raise InputError("--seller", f"owner {s} has no parcels")
    for f in fix:
        if f not in set(p["parcel_id"]):
            raise InputError("--fixed", f"parcel {f} is not in the parcels file")
    notes = []
    for o in sorted(owners - sel):
        if o not in farm_xy:  # no farm point: the centre of the owner's largest parcel
            own = p[p["owner"] == o]
            c = own.geometry.iloc[int(np.argmax(own["area_ha"].to_numpy()))].centroid
            farm_xy[o] = (float(c.x), float(c.y))
            notes.append(o)
    rules = Rules(tolerance=tolerance, sellers=sel, fixed=fix, max_cash=max_cash,
                  weights=Weights(weight_distance, weight_move, weight_cash),
                  time_limit=time_limit)
    fabric = Fabric(p, farm_xy, rules)
    plan = solve(fabric)
    base = greedy(fabric)
    meta = {
        "model": "consolidation",
        "method": "integer program (HiGHS via scipy.optimize.milp): every parcel to one "
                  "owner, the project or the land bank; value balance per owner within "
                  "the tolerance, cash settles the rest; minimise weighted ha·km to the "
                  "farm + parcels moved + cash; large cases round the LP relaxation (the "
                  "split parcels placed by HiGHS) and improve it by local search, the gap "
                  "proven against the LP or Lagrangian (whole parcels per owner) bound",
        "tolerance": tolerance, "max_cash_dkk": max_cash,
        "weights": {"distance_per_ha_km": weight_distance, "move_per_parcel": weight_move,
                    "cash_per_100000_dkk": weight_cash},
        "in_project_share": IN_PROJECT_SHARE,
        "assumptions": assumptions + [a for a in target_assumptions
                                      if any(u in a for u in set(p["target_use"]) if u)],
        "farms_from_largest_parcel": notes,
    }
    if label:
        meta["label"] = label
    res = _result(fabric, plan, base, targets, meta)
    res.project_area = gpd.GeoDataFrame(geometry=proj.geometry.to_numpy(), crs=proj.crs)
    return res


def _demo(name: str, parcels: Any, farms: Any, project: Any, land_bank: Any,
          **options: Any) -> ConsolidationResult:
    """The embedded demo (constructed for the demo; see :mod:`.demo`)."""
    import tempfile

    from naturkapital.consolidation.demo import DEMOS, LABEL, build_endelave

    if name not in DEMOS:
        raise InputError("--demo", f"must be one of {', '.join(DEMOS)}")
    if any(v is not None for v in (parcels, farms, project, land_bank)):
        raise InputError("--demo", "give --demo or your own --parcels/--farms/--project/"
                                   "--land-bank, not both")
    with tempfile.TemporaryDirectory(prefix="nk-demo-") as tmp:
        f = build_endelave(Path(tmp))
        return consolidate(f["parcels"], f["farms"], f["project"], f["land_bank"],
                           soil_field="jb", label=LABEL, **options)


def _mean_km(geoms: gpd.GeoSeries, area: np.ndarray, farm: tuple[float, float]) -> float:
    if len(geoms) == 0 or area.sum() <= 0:
        return float("nan")
    c = geoms.centroid
    d = np.hypot(c.x.to_numpy() - farm[0], c.y.to_numpy() - farm[1]) / 1000.0
    return float((d * area).sum() / area.sum())


def _result(fabric: Fabric, plan: Plan, base: Plan, targets: dict[str, Any],
            meta: dict[str, Any]) -> ConsolidationResult:
    p = fabric.parcels.copy()
    p["to"] = plan.to.reindex(p["parcel_id"]).to_numpy()
    label = meta.get("label")
    moved = p[(p["to"] != p["owner"]) & ~((p["to"] == BANK) & (p["owner"] == BANK))]
    swaps = pd.DataFrame({
        "parcel_id": moved["parcel_id"].to_numpy(),
        "from_owner": moved["owner"].map(lambda o: RECEIVER_LABEL.get(o, o)).to_numpy(),
        "to_owner": moved["to"].map(lambda o: RECEIVER_LABEL.get(o, o)).to_numpy(),
        "area_ha": moved["area_ha"].round(4).to_numpy(),
        "value_dkk": moved["value_dkk"].round(0).to_numpy(),
    })
    rows = []
    for o in sorted(set(p["owner"]) - {BANK}):
        before = p[p["owner"] == o]
        after = p[p["to"] == o]
        farm = fabric.farms.get(o)
        seller = o in fabric.rules.sellers
        cash = float(plan.cash.get(o, 0.0)) if not seller else float(before["value_dkk"].sum())
        vb, va = float(before["value_dkk"].sum()), float(after["value_dkk"].sum())
        rows.append({
            "owner": o,
            "role": "sælger (seller)" if seller else "ejer (owner)",
            "ha_before": round(float(before["area_ha"].sum()), 4),
            "ha_after": round(float(after["area_ha"].sum()), 4),
            "value_before_dkk": round(vb, 0),
            "value_after_dkk": round(va, 0),
            "cash_dkk": round(cash, 0),
            "land_balance_pct": round(100 * (va / vb - 1), 3) if vb > 0 and not seller
            else float("nan"),
            "parcels_before": len(before), "parcels_after": len(after),
            "fields_before": pieces(before.geometry)[0],
            "fields_after": pieces(after.geometry)[0],
            "mean_km_to_farm_before": None if farm is None else round(
                _mean_km(before.geometry, before["area_ha"].to_numpy(), farm), 3),
            "mean_km_to_farm_after": None if farm is None else round(
                _mean_km(after.geometry, after["area_ha"].to_numpy(), farm), 3),
        })
    balance = pd.DataFrame(rows)
    proj = p[p["to"] == PROJECT]
    n_pieces, largest = pieces(proj.geometry)
    scen = gpd.GeoDataFrame({
        "conv_id": proj["parcel_id"].to_numpy(),
        "name": [f"projekt {u} (project)" for u in proj["target_use"]],
        "to_class": [int(targets[u]) for u in proj["target_use"]],
        "note": label or "swap plan (naturkapital consolidate)",
    }, geometry=proj.geometry.to_numpy(), crs=p.crs)
    if label:
        swaps["label"] = label
        balance["label"] = label
    gap = plan.gap
    summary = {
        "parcels": int(len(p)), "owners": int(len(fabric.owners)),
        "project_parcels": int(len(proj)),
        "project_ha": round(float(proj["area_ha"].sum()), 4),
        "project_pieces": n_pieces, "project_largest_piece_ha": round(largest, 4),
        "project_eca_ha": round(project_eca(proj.geometry), 4),
        "project_eca_dispersal_m": ECA_DISPERSAL_M,
        "parcels_moved": int(plan.parts["parcels_moved"]),
        "ha_km": round(plan.parts["ha_km"], 4),
        "cash_dkk": round(plan.parts["cash_dkk"], 0),
        "objective": round(plan.objective, 6),
        "gap_pct": None if gap is None else round(100 * gap, 4),
        "seconds": round(plan.seconds, 3),
        "greedy_objective": round(base.objective, 6),
        "greedy_status": base.status,
        "objective_vs_greedy": round(plan.objective / base.objective, 4)
        if base.objective > 0 else None,
        "land_bank_left": int((p["to"] == BANK).sum()),
    }
    if label:
        summary["label"] = label
    meta = {**meta, "summary": summary}
    return ConsolidationResult(plan, base, swaps, balance, scen, p, summary, meta,
                               dict(fabric.farms))


def write_scenario(result: ConsolidationResult, out: str | Path) -> Path:
    """The project parcels as a scenario GeoPackage (``to_class`` = Basemap04 class of
    the target use)."""
    path = check_out(out, (".gpkg",))

    def write(tmp: Path) -> None:
        result.scenario.to_file(tmp, driver="GPKG", layer="scenario")

    return write_atomic(path, write)
