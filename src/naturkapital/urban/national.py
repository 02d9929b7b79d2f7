"""Coarse urban-nature indicators per zone from a 100 m land-use raster (Basemap04 2021)
and the change in CORINE class 141 (green urban areas) 1990–2018.

Everything here is a *coarse land-use proxy*: a 100 m cell is one land use, so small
parks, street trees and private gardens are not seen. Every output says so.

The rule, cell by cell on the national grid (so zone borders never cut a distance):

1. ``built`` cells (Basemap04 6, built up) form the built-up area.
2. The *urban fabric* is the morphological closing of the built-up mask with a disc of
   radius ``fabric_gap_m`` (parks, lakes and streets between built-up cells are inside
   it), keeping connected parts of at least ``min_urban_ha``.
3. *Greening %* = green and blue cells inside the urban fabric / urban fabric area.
4. A *nature area* is a connected patch (8-neighbours) of ``green`` cells of at least
   ``min_nature_ha``; a built-up cell of the urban fabric is *within the rule* when the
   distance from its centre to the nearest edge of such a cell is at most ``rule_m``
   (Euclidean; centre-to-centre distance minus half a cell).

The cell codes of :data:`CODES` are then summed per zone by the shared exact zonal
helper (:func:`naturkapital.nki.zonal.zonal_class_areas`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from rasterio.errors import WindowError
from rasterio.windows import Window, from_bounds
from scipy import ndimage

from naturkapital.core.errors import InputError
from naturkapital.data.catalogue import CORINE_YEARS, dataset_path
from naturkapital.io.vectors import ZONE_ID, ZONE_NAME
from naturkapital.landcover.scheme import Scheme
from naturkapital.landcover.sources import Landcover, resolve_landcover
from naturkapital.nki.compute import NATIONAL_ID, Zones
from naturkapital.nki.ranking import rank_desc
from naturkapital.nki.zonal import zonal_class_areas

TABLE_DIR = Path(__file__).resolve().parent / "tables"
ROLES_TABLE = TABLE_DIR / "basemap04_urban.csv"

COARSE = ("grov / coarse: 100 m arealanvendelse som proxy (land-use proxy); små parker, "
          "gadetræer og haver ses ikke (small parks, street trees and gardens not seen)")

#: Cell codes of the derived raster (0 = no data).
CODES: dict[int, str] = {
    1: "urban built-up within rule",
    2: "urban built-up beyond rule",
    3: "urban green",
    4: "urban blue",
    5: "urban other",
    6: "built-up outside urban fabric",
    7: "other outside urban fabric",
}

#: Smallest margin read around the zones (m): nature patches and urban parts are
#: measured within it, so a patch cut by the margin counts only its part inside.
MARGIN_M = 3000.0

#: Value of CORINE class 141 (green urban areas) in the embedded CORINE raster.
CORINE_141 = 10


@dataclass(frozen=True)
class NationalParams:
    """The rule's parameters (metres, hectares)."""

    rule_m: float = 300.0
    min_nature_ha: float = 1.0
    fabric_gap_m: float = 200.0
    min_urban_ha: float = 10.0


@dataclass
class UrbanNational:
    """Coarse indicators per zone: ``table`` (ranked, all-zones row last), zone
    geometries and ``meta`` (method, rule, roles, assumptions, the coarse label)."""

    table: pd.DataFrame
    zones: gpd.GeoDataFrame
    meta: dict = field(default_factory=dict)


def load_roles(path: Path = ROLES_TABLE) -> pd.DataFrame:
    """The class → role table (``built``, ``green``, ``blue``, ``other``) with sources."""
    t = pd.read_csv(path, dtype={"source": str}, keep_default_na=False)
    bad = sorted(set(t["role"]) - {"built", "green", "blue", "other"})
    if bad:
        raise InputError(path, f"unknown role(s) {', '.join(bad)}; use built, green, blue, other")
    return t


def disc(radius_cells: float) -> np.ndarray:
    """A boolean disc structuring element of the given radius in cells."""
    r = int(np.floor(radius_cells))
    y, x = np.ogrid[-r:r + 1, -r:r + 1]
    return (x * x + y * y) <= radius_cells * radius_cells + 1e-9


def dilate_disc(mask: np.ndarray, radius_cells: float) -> np.ndarray:
    """Binary dilation by :func:`disc` (cells outside the array are False).

    The disc is a union of centred rectangles, and a rectangle dilation is two 1-D
    running maxima, so this is exactly ``ndimage.binary_dilation(mask, disc(r))`` at a
    fraction of the cost on a national grid.
    """
    r = int(np.floor(radius_cells))
    if r == 0:
        return mask.copy()
    m = mask.view(np.uint8) if mask.dtype == bool else mask.astype(np.uint8)
    heights: dict[int, int] = {}
    for dx in range(r + 1):  # half-width → half-height of the rectangle
        h = int(np.floor(np.sqrt(max(radius_cells ** 2 - dx * dx, 0.0)) + 1e-9))
        heights[h] = max(heights.get(h, 0), dx)
    out = np.zeros(mask.shape, dtype=bool)
    for h, dx in heights.items():
        part = ndimage.maximum_filter1d(m, 2 * dx + 1, axis=1, mode="constant", cval=0)
        part = ndimage.maximum_filter1d(part, 2 * h + 1, axis=0, mode="constant", cval=0)
        out |= part.astype(bool)
    return out


def close_disc(mask: np.ndarray, radius_cells: float) -> np.ndarray:
    """Binary closing by :func:`disc` with the outside treated as False (no border
    artefacts): dilation, then erosion as the complement of a dilation."""
    r = int(np.floor(radius_cells))
    padded = np.pad(mask, r + 1)
    grown = dilate_disc(padded, radius_cells)
    closed = ~dilate_disc(~grown, radius_cells)
    return closed[r + 1:-(r + 1), r + 1:-(r + 1)] if r >= 0 else closed


def classify_cells(classes: np.ndarray, roles: dict[int, str], cell_m: float,
                   params: NationalParams = NationalParams(), nodata: int = 0) -> np.ndarray:
    """The derived code raster (:data:`CODES`) of a land-use class raster.

    ``roles`` maps class codes to ``built``/``green``/``blue``/``other``; codes not in
    it count as ``other``. ``cell_m`` is the cell size in metres (square cells).
    """
    valid = classes != nodata
    lut = np.zeros(max(int(classes.max(initial=0)), max(roles, default=0)) + 1, np.uint8)
    for code, r in roles.items():  # 0 other, 1 built, 2 green, 3 blue
        lut[code] = {"built": 1, "green": 2, "blue": 3, "other": 0}[r]
    role = lut[classes]
    built = role == 1
    cell_ha = cell_m * cell_m / 10_000.0
    # urban fabric: closing of the built-up mask, parts of at least min_urban_ha
    fabric = (close_disc(built, params.fabric_gap_m / cell_m) | built) & valid
    if params.min_urban_ha > cell_ha + 1e-9:
        lab, n = ndimage.label(fabric, structure=np.ones((3, 3), bool))
        if n:
            size_ha = np.bincount(lab.ravel())[1:] * cell_ha
            fabric = np.concatenate([[False], size_ha >= params.min_urban_ha - 1e-9])[lab]
    # nature areas: 8-connected green patches of at least min_nature_ha
    nature = role == 2
    if params.min_nature_ha > cell_ha + 1e-9:
        lab, n = ndimage.label(nature, structure=np.ones((3, 3), bool))
        if n:
            size_ha = np.bincount(lab.ravel())[1:] * cell_ha
            nature = np.concatenate([[False], size_ha >= params.min_nature_ha - 1e-9])[lab]
    # within the rule: centre within rule_m + half a cell of a nature cell's centre
    # (a dilation with that disc is the thresholded Euclidean distance transform)
    near = dilate_disc(nature, (params.rule_m + cell_m / 2.0) / cell_m)
    out = np.where(valid, 7, 0).astype(np.uint8)
    out[built & ~fabric] = 6
    out[fabric] = 5
    out[fabric & (role == 3)] = 4
    out[fabric & (role == 2)] = 3
    out[fabric & built & ~near] = 2
    out[fabric & built & near] = 1
    return out


def code_scheme(name: str, codes: dict[int, str]) -> Scheme:
    """A scheme that only names the codes of a derived raster (for the zonal helper)."""
    values = sorted(codes)
    return Scheme(name, pd.DataFrame({
        "value": values, "land_type": "andet", "nature_value": 0.0,
        "source": "derived", "label": [codes[v] for v in values],
        "is_assumption": False}))


def write_codes(path: Path, codes: np.ndarray, profile: dict) -> None:
    prof = {k: v for k, v in profile.items() if k not in ("blockxsize", "blockysize", "tiled",
                                                           "interleave")}
    prof.update(driver="GTiff", dtype="uint8", nodata=0, count=1, compress="deflate")
    with rasterio.open(path, "w", **prof) as dst:
        dst.write(codes, 1)


def corine_141_codes(path: Path | None = None) -> tuple[np.ndarray, dict, tuple[int, ...]]:
    """One code per CORINE cell: 1 + bitmask of the epochs in which it is class 141
    (bit i = ``CORINE_YEARS`` in order); 0 where every epoch is nodata."""
    path = path or dataset_path("corine")
    years = tuple(sorted(CORINE_YEARS))
    with rasterio.open(path) as ds:
        profile = ds.profile
        codes = np.zeros((ds.height, ds.width), dtype=np.uint8)
        anydata = np.zeros((ds.height, ds.width), dtype=bool)
        for i, y in enumerate(years):
            band = ds.read(CORINE_YEARS[y])
            codes |= ((band == CORINE_141).astype(np.uint8) << i)
            anydata |= band != (ds.nodata or 0)
    return np.where(anydata, codes + 1, 0).astype(np.uint8), profile, years


def compute_urban_national(zones: Zones, landcover: str | Path = "basemap2021",
                           rule_m: float = 300.0, min_nature_ha: float = 1.0,
                           fabric_gap_m: float = 200.0, min_urban_ha: float = 10.0,
                           corine: bool = True,
                           progress: Callable[[int], None] | None = None) -> UrbanNational:
    """Coarse urban-nature indicators for every zone (default: the municipalities).

    Columns: built-up and urban-fabric area (ha), green and blue area in the fabric
    (ha), greening % and its rank (1 = greenest), share of the fabric's built-up area
    within ``rule_m`` of a nature area ≥ ``min_nature_ha`` and its rank, and (with
    ``corine``) CORINE 141 green urban area per epoch, its change 1990–2018 and the
    no-net-loss check 2012–2018. ``progress`` advances once per zone per pass.
    """
    params = NationalParams(rule_m, min_nature_ha, fabric_gap_m, min_urban_ha)
    lc = resolve_landcover(landcover) if str(landcover) == "basemap2021" else None
    if lc is None:
        raise InputError("--landcover", "the coarse national run reads the embedded "
                                        "basemap2021 (Basemap04 2021, 100 m)")
    roles_t = load_roles()
    roles = dict(zip(roles_t["value"].astype(int), roles_t["role"], strict=True))
    with rasterio.open(lc.path) as ds:
        cell_m = abs(ds.transform.a)
        window = _zones_window(zones.gdf, ds, params)
        classes = ds.read(lc.band, window=window)
        profile = {**ds.profile, "width": int(window.width), "height": int(window.height),
                   "transform": ds.window_transform(window)}
        nodata = int(ds.nodata or 0)
    codes = classify_cells(classes, roles, cell_m, params, nodata)
    with tempfile.TemporaryDirectory(prefix="naturkapital-urban-") as tmp:
        p = Path(tmp) / "urban_codes.tif"
        write_codes(p, codes, profile)
        areas = zonal_class_areas(zones.gdf, Landcover(p, 1, code_scheme("urban", CODES),
                                                       "urban codes"),
                                  zones.source, progress=progress)
        wide = areas.classes.pivot_table(index=ZONE_ID, columns="value", values="area_ha",
                                         aggfunc="sum", fill_value=0.0)
        c141 = None
        if corine:
            ccodes, cprof, years = corine_141_codes()
            cp = Path(tmp) / "corine_141.tif"
            write_codes(cp, ccodes, cprof)
            names = {v: f"epochs bitmask {v - 1}" for v in range(1, 2 ** len(years) + 1)}
            c_areas = zonal_class_areas(zones.gdf, Landcover(cp, 1, code_scheme(
                "corine141", names), "CORINE 141"), zones.source, progress=progress)
            c141 = _corine_by_year(c_areas.classes, years)
    table = _indicator_table(wide, zones, c141)
    meta = {
        "method": "urban nature, coarse national (Basemap04 2021 at 100 m; CORINE 141)",
        "coarse": COARSE,
        "landcover": lc.label,
        "zones": zones.source,
        "rule_m": rule_m, "min_nature_ha": min_nature_ha, "fabric_gap_m": fabric_gap_m,
        "min_urban_ha": min_urban_ha,
        "roles": {int(r.value): r.role for r in roles_t.itertuples()},
        "assumptions": [f"Basemap04 {int(r.value)} ({r.label}) = {r.role}: {r.source}"
                        for r in roles_t.itertuples()
                        if str(r.source).lower().startswith("assumption")] + [
            f"assumption: urban fabric = closing of built-up cells with a {fabric_gap_m:g} m "
            f"disc, parts ≥ {min_urban_ha:g} ha (no published threshold)",
            "assumption: distance = cell centre to the nearest nature cell's edge "
            "(Euclidean, not walking)"],
        "corine_note": "CORINE minimum mapping unit 25 ha (change 5 ha): only large urban "
                       "green is seen; epochs 1990/2000 differ in method "
                       "(Copernicus CLC documentation)",
    }
    return UrbanNational(table, zones.gdf, meta)


def _zones_window(zones: gpd.GeoDataFrame, ds: rasterio.DatasetReader,
                  params: NationalParams) -> Window:
    """The raster window of the zones plus a margin of :data:`MARGIN_M` (at least twice
    the rule and the fabric gap), so distances and closings near the zones are exact."""
    margin = max(MARGIN_M, 2 * (params.rule_m + params.fabric_gap_m))
    xmin, ymin, xmax, ymax = zones.to_crs(ds.crs).total_bounds
    w = from_bounds(xmin - margin, ymin - margin, xmax + margin, ymax + margin,
                    ds.transform).round_offsets().round_lengths()
    full = Window(0, 0, ds.width, ds.height)
    try:
        return w.intersection(full)
    except WindowError:
        raise InputError("zones", "no zone overlaps the land-cover raster "
                         "(check the CRS and extent)") from None


def _corine_by_year(classes: pd.DataFrame, years: tuple[int, ...]) -> pd.DataFrame:
    out = {}
    for i, y in enumerate(years):
        bit = ((classes["value"].to_numpy() - 1) >> i) & 1
        out[f"c141_{y}_ha"] = classes.assign(a=classes["area_ha"] * bit).groupby(ZONE_ID)["a"].sum()
    return pd.DataFrame(out)


def _pct(num: pd.Series, den: pd.Series) -> pd.Series:
    return (100.0 * num / den.where(den > 0)).astype(float)


def _indicator_table(wide: pd.DataFrame, zones: Zones,
                     c141: pd.DataFrame | None) -> pd.DataFrame:
    wide = wide.reindex(columns=sorted(CODES), fill_value=0.0)
    rows = zones.gdf[[ZONE_ID, ZONE_NAME]].set_index(ZONE_ID)
    a = wide.reindex(rows.index, fill_value=0.0)
    total = a.sum(axis=0).to_frame().T
    total.index = [NATIONAL_ID]
    a = pd.concat([a, total])
    names = pd.concat([rows[ZONE_NAME], pd.Series({NATIONAL_ID: zones.total_name})])
    t = pd.DataFrame({ZONE_ID: a.index, "name": names.reindex(a.index).to_numpy()})
    t["built_up_ha"] = (a[1] + a[2] + a[6]).to_numpy()
    t["urban_fabric_ha"] = (a[1] + a[2] + a[3] + a[4] + a[5]).to_numpy()
    t["urban_green_ha"] = a[3].to_numpy()
    t["urban_blue_ha"] = a[4].to_numpy()
    t["greening_pct"] = _pct(a[3] + a[4], a[1] + a[2] + a[3] + a[4] + a[5]).to_numpy()
    t["within_rule_pct"] = _pct(a[1], a[1] + a[2]).to_numpy()
    if c141 is not None:
        c = c141.reindex(rows.index, fill_value=0.0)
        c = pd.concat([c, c.sum(axis=0).to_frame().T.set_axis([NATIONAL_ID])])
        for col in c.columns:
            t[col] = c[col].to_numpy()
        first, last = c.columns[0], c.columns[-1]
        t["c141_change_ha"] = (c[last] - c[first]).to_numpy()
        t["c141_change_pct"] = _pct(c[last] - c[first], c[first]).to_numpy()
        prev = c.columns[-2]
        loss = c[last] < c[prev] - 1e-6
        t["no_net_loss_2012_2018"] = np.where(loss, "tab / loss", "ingen nettotab / no net loss")
    zone_rows = t[ZONE_ID] != NATIONAL_ID
    excluded = zone_rows & t[ZONE_ID].isin(zones.unranked)
    ranked = zone_rows & ~excluded & (t["urban_fabric_ha"] > 0)
    t["rank_greening"] = rank_desc(t["greening_pct"], ranked)
    t["rank_within_rule"] = rank_desc(t["within_rule_pct"], ranked)
    t["note"] = COARSE
    t = t.sort_values(["rank_greening", ZONE_ID], na_position="last", kind="stable")
    nat = t[t[ZONE_ID] == NATIONAL_ID]
    return pd.concat([t[t[ZONE_ID] != NATIONAL_ID], nat]).reset_index(drop=True)
