"""Python API for the index: compute, compare, draw, validate.

The CLI and the web layer call these functions; they take typed arguments and
return dataclasses holding pandas tables. Areas are hectares, shares percent in the
output table (fractions in ``NKIResult.shares``), nature values and the index 0–100.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from naturkapital.data.catalogue import NOT_MUNICIPALITIES, dataset_path
from naturkapital.io.rasters import open_raster
from naturkapital.io.vectors import ZONE_ID, ZONE_NAME, read_zones
from naturkapital.landcover.bioscore import DEFAULT_RULE, parse_rule
from naturkapital.landcover.context import PROXIES, load_context, raster_values
from naturkapital.landcover.landtypes import KEYS
from naturkapital.landcover.sources import Landcover, resolve_landcover
from naturkapital.nki.change import decompose
from naturkapital.nki.index import land_type_sums, nki, nki_nature, shares_and_values
from naturkapital.nki.ranking import GROUP_LABELS, group_of, rank_desc
from naturkapital.nki.zonal import DaskEngine, zonal_class_areas

NATIONAL_ID = "0"
OPEN_DATA_METHOD = "open-data NKI (land-use proxy) / åbne data, arealanvendelse som proxy"
BIOSCORE_METHOD = "NKI from bioscore raster / NKI fra bioscore"


@dataclass
class Zones:
    """A zone set ready for extraction."""

    gdf: gpd.GeoDataFrame
    source: str
    unranked: frozenset[str] = frozenset()
    total_name: str = "Alle zoner (all zones)"


@dataclass
class NKIResult:
    """The index for a zone set.

    ``table``: one row per zone sorted by rank, the national/all-zones row (zone_id
    "0") last. ``shares`` (fractions) and ``values`` (0–100, Andet rule applied) per
    land type, indexed by zone_id. ``meta``: method, land cover, scheme, assumptions.
    """

    table: pd.DataFrame
    zones: gpd.GeoDataFrame
    shares: pd.DataFrame
    values: pd.DataFrame
    meta: dict = field(default_factory=dict)

    def row(self, zone_id: str | int) -> pd.Series:
        """The table row of one zone (KeyError-free: raises InputError if unknown)."""
        from naturkapital.core.errors import InputError

        zid = str(zone_id)
        hit = self.table[self.table[ZONE_ID] == zid]
        if hit.empty:
            raise InputError("--zone", f"unknown zone id {zid} (not in {self.meta['zones']})")
        return hit.iloc[0]


def official_names(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Today's official names of the embedded municipalities: the 2014 boundary file
    still says "Århus" and "Brønderslev-Dronninglund" (``data/municipality_names.csv``,
    each fix with its source)."""
    from naturkapital.data.catalogue import DATA_DIR
    from naturkapital.io.tables import read_csv_table

    fixes = read_csv_table(DATA_DIR / "municipality_names.csv", "municipality name table",
                           ("zone_id", "official_name", "source"), dtype=str)
    names = dict(zip(fixes["zone_id"], fixes["official_name"], strict=True))
    out = gdf.copy()
    out[ZONE_NAME] = [names.get(str(z), n) for z, n in zip(out[ZONE_ID], out[ZONE_NAME],
                                                         strict=True)]
    return out


def load_zones(zones: str | Path | None = None, id_field: str | None = None,
               name_field: str | None = None) -> Zones:
    """The embedded municipalities (default) or a user zone file."""
    if zones is None:
        gdf = official_names(read_zones(dataset_path("municipalities"), "lau_1", "label_dk"))
        return Zones(gdf, "embedded municipalities 2014", NOT_MUNICIPALITIES,
                     "Danmark (national)")
    from naturkapital.core.errors import InputError

    if id_field is None:
        raise InputError(zones, "give --id-field, the field that identifies each zone")
    return Zones(read_zones(zones, id_field, name_field), str(zones))


def compute_nki(
    zones: str | Path | Zones | None = None,
    id_field: str | None = None,
    name_field: str | None = None,
    landcover: str | Path | Landcover = "basemap2021",
    year: int | None = None,
    scheme: str | Path | None = None,
    bioscore: str | Path | None = None,
    bioscore_rule: str = DEFAULT_RULE,
    progress: Callable[[int], None] | None = None,
    engine: str = "exact",
    scheduler: str = "threads",
    proxy: str = "context",
) -> NKIResult:
    """Compute the Natural Capital Index for every zone and for all zones together.

    Defaults: the 98 embedded municipalities (and Christiansø, unranked) on Basemap04
    2021 with the calibrated open-data nature values. Returns an :class:`NKIResult`.
    ``engine``: ``exact`` (in memory, exactextract) or ``dask`` (chunked, bounded
    memory, same numbers; ``scheduler`` as in :mod:`naturkapital.engine.scheduler`).
    ``proxy``: ``context`` (a cell's nature value from its land type and the share of
    nature around it, :mod:`naturkapital.landcover.context`) or ``class`` (the scheme's
    one value per class). With a bioscore raster the proxy is not used.
    """
    z = zones if isinstance(zones, Zones) else load_zones(zones, id_field, name_field)
    lc = landcover if isinstance(landcover, Landcover) else resolve_landcover(
        landcover, year, scheme)
    rule = parse_rule(bioscore_rule) if bioscore is not None else None
    if engine not in ("exact", "dask"):
        from naturkapital.core.errors import InputError

        raise InputError("--engine", f"unknown engine '{engine}'; use exact or dask")
    if proxy not in PROXIES:
        from naturkapital.core.errors import InputError

        raise InputError("--proxy", f"unknown proxy '{proxy}'; use {' or '.join(PROXIES)}")
    ctx = load_context() if proxy == "context" and bioscore is None else None
    from functools import partial

    if engine == "dask":
        extract = partial(zonal_class_areas, dask=DaskEngine(scheduler, context=ctx))
    else:
        extract = partial(zonal_class_areas, cell_values=None if ctx is None else partial(
            raster_values, band=lc.band, scheme=lc.scheme, proxy=ctx))
    extracted = extract(z.gdf, lc, z.source,
                        Path(bioscore) if bioscore is not None else None,
                        rule, progress)
    tbl = lc.scheme.table
    area, value_ha = land_type_sums(extracted.classes,
                                    dict(zip(tbl["value"], tbl["land_type"], strict=True)),
                                    dict(zip(tbl["value"], tbl["nature_value"], strict=True)))
    area.loc[NATIONAL_ID] = area.sum()
    value_ha.loc[NATIONAL_ID] = value_ha.sum()
    shares, values = shares_and_values(area, value_ha)

    info = extracted.zones.set_index(ZONE_ID)
    ids = z.gdf[ZONE_ID].tolist() + [NATIONAL_ID]
    names = dict(zip(z.gdf[ZONE_ID].tolist(), z.gdf[ZONE_NAME].tolist(), strict=True))
    names[NATIONAL_ID] = z.total_name
    zone_area = info["area_ha"].reindex(ids)
    zone_area[NATIONAL_ID] = info["area_ha"].sum()
    mapped = info["mapped_ha"].reindex(ids)
    mapped[NATIONAL_ID] = info["mapped_ha"].sum()
    shares, values = shares.reindex(ids), values.reindex(ids)

    out = pd.DataFrame({ZONE_ID: ids, ZONE_NAME: [names[i] for i in ids]}, index=ids)
    out["area_ha"] = zone_area
    out["coverage_pct"] = (100.0 * mapped / zone_area).clip(upper=100.0)
    out["nki"] = nki(shares, values)
    out["nki_nature"] = nki_nature(shares, values)
    eligible = ~out.index.isin(list(z.unranked) + [NATIONAL_ID]) & out["nki"].notna()
    out["rank"] = rank_desc(out["nki"], pd.Series(eligible, index=out.index))
    out["rank_nature"] = rank_desc(out["nki_nature"], pd.Series(eligible, index=out.index))
    groups = group_of(shares).where(eligible)
    out["group"] = groups
    out["group_da"] = groups.map(GROUP_LABELS)
    out["rank_in_group"] = (out["nki"].where(eligible).groupby(groups)
                            .rank(ascending=False, method="min").astype("Int64"))
    for k in KEYS:
        out[f"share_{k}"] = 100.0 * shares[k]
    for k in KEYS:
        out[f"value_{k}"] = values[k]

    used = extracted.classes["value"].unique()
    assumptions = (ctx.assumptions() if ctx is not None
                   else lc.scheme.assumptions(used if bioscore is None else None))
    if rule is not None and rule.is_assumption:
        assumptions.insert(0, f"bioscore → nature value rule {rule.text} is an assumption "
                              "of this project (docs/method.md)")
    method = OPEN_DATA_METHOD if bioscore is None else f"{BIOSCORE_METHOD} ({bioscore_rule})"
    out["method"] = method
    out["assumption"] = ("yes: " + "; ".join(assumptions[:1]) + (" …" if len(assumptions) > 1
                         else "")) if assumptions else "no"
    order = out.drop(index=NATIONAL_ID).sort_values(["rank", ZONE_NAME], na_position="last")
    table = pd.concat([order, out.loc[[NATIONAL_ID]]]).reset_index(drop=True)
    meta = {
        "method": method,
        "landcover": lc.label,
        "landcover_path": str(lc.path),
        "scheme": lc.scheme.name,
        "proxy": "context" if ctx is not None else ("class" if bioscore is None else None),
        "zones": z.source,
        "assumptions": assumptions,
        "units": {"area_ha": "ha", "coverage_pct": "%", "share_*": "% of mapped area",
                  "value_*": "nature value 0–100", "nki": "index 0–100"},
    }
    return NKIResult(table=table, zones=z.gdf, shares=shares, values=values, meta=meta)


@dataclass
class CompareResult:
    """Change between two epochs: ``table`` per zone, ``from_``/``to`` the two runs."""

    table: pd.DataFrame
    from_: NKIResult
    to: NKIResult
    meta: dict = field(default_factory=dict)


def compare(
    from_spec: str | Path,
    to_spec: str | Path,
    zones: str | Path | Zones | None = None,
    id_field: str | None = None,
    name_field: str | None = None,
    scheme_from: str | Path | None = None,
    scheme_to: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
    proxy: str = "context",
) -> CompareResult:
    """NKI change from one land-cover epoch to another for the same zones.

    Specs: ``basemap2021``, ``corine:YEAR`` or a raster path (with a scheme).
    ``proxy`` as in :func:`compute_nki` (the same for both epochs).
    delta = delta_area + delta_value exactly (see :mod:`naturkapital.nki.change`).
    """
    z = zones if isinstance(zones, Zones) else load_zones(zones, id_field, name_field)
    # Both epochs are checked before either is computed (a bad --to fails at once).
    lc1 = from_spec if isinstance(from_spec, Landcover) else resolve_landcover(
        from_spec, None, scheme_from)
    lc2 = to_spec if isinstance(to_spec, Landcover) else resolve_landcover(
        to_spec, None, scheme_to)
    for lc in (lc1, lc2):
        with open_raster(lc.path, lc.band, "land-cover raster"):
            pass
    r1 = compute_nki(z, landcover=lc1, progress=progress, proxy=proxy)
    r2 = compute_nki(z, landcover=lc2, progress=progress, proxy=proxy)
    parts = decompose(r1.shares, r1.values, r2.shares, r2.values)
    t1 = r1.table.set_index(ZONE_ID)
    t2 = r2.table.set_index(ZONE_ID)
    ids = list(t1.index)
    out = pd.DataFrame({ZONE_ID: ids, ZONE_NAME: t1.loc[ids, ZONE_NAME].to_numpy()})
    out = out.join(parts, on=ZONE_ID)
    out["rank_from"] = t1.loc[ids, "rank"].to_numpy()
    out["rank_to"] = t2.reindex(ids)["rank"].to_numpy()
    out["rank_change"] = (out["rank_from"] - out["rank_to"]).astype("Int64")
    warning = ("Method/data changes (a different map, scheme or resolution) can move the "
               "index without nature changing / Metode- og dataskift kan flytte indekset "
               "uden at naturen har ændret sig.")
    out["method"] = r1.meta["method"]
    meta = {"from": r1.meta["landcover"], "to": r2.meta["landcover"], "warning": warning,
            "assumptions": sorted(set(r1.meta["assumptions"]) | set(r2.meta["assumptions"]))}
    return CompareResult(table=out, from_=r1, to=r2, meta=meta)


@dataclass
class ValidationResult:
    """Open-data NKI against the published NKI 2020.

    ``table``: municipalities with a published NKI (published, computed, error, ranks);
    ``natur``: zones with a published NKI natur (national row included).
    """

    table: pd.DataFrame
    spearman_rho: float
    mean_abs_error: float
    national_open: float
    national_published: float
    natur: pd.DataFrame = field(default_factory=pd.DataFrame)


def validate(result: NKIResult | None = None,
             published: str | Path | None = None) -> ValidationResult:
    """Spearman ρ and mean absolute error against the published NKI 2020 values (both
    embedded files by default), and the NKI natur figures where published."""
    from scipy.stats import spearmanr

    from naturkapital.nki.calibration import published_targets

    res = result if result is not None else compute_nki()
    if published is None:
        pub = published_targets()
    else:
        pub = pd.read_csv(published)
        pub[ZONE_ID] = pub["kommune_code"].astype(str)
    if "nki_natur_2020" not in pub.columns:
        pub["nki_natur_2020"] = np.nan
    merged = pub.drop(columns=["name", "nki"], errors="ignore").merge(
        res.table[[ZONE_ID, ZONE_NAME, "nki", "rank", "nki_nature"]], on=ZONE_ID, how="left")
    nat = merged[merged[ZONE_ID] == NATIONAL_ID].iloc[0]
    mun = merged[merged[ZONE_ID] != NATIONAL_ID].dropna(subset=["nki"]).copy()
    mun["error"] = mun["nki"] - mun["nki_2020"]
    rho = float(spearmanr(mun["nki"], mun["nki_2020"]).statistic)
    mae = float(np.abs(mun["error"]).mean())
    natur = merged.dropna(subset=["nki_natur_2020", "nki_nature"]).copy()
    natur["error"] = natur["nki_nature"] - natur["nki_natur_2020"]
    return ValidationResult(mun.reset_index(drop=True), rho, mae, float(nat["nki"]),
                            float(nat["nki_2020"]),
                            natur[[ZONE_ID, ZONE_NAME, "nki_natur_2020", "nki_nature", "error"]]
                            .reset_index(drop=True))
