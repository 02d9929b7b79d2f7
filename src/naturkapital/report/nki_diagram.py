"""The NKI diagram of one zone from a computed result (:mod:`naturkapital.nki.compute`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from naturkapital.io.output import check_out, write_atomic
from naturkapital.io.vectors import ZONE_NAME
from naturkapital.landcover.landtypes import KEYS
from naturkapital.nki.compute import NKIResult, Zones, compute_nki, load_zones
from naturkapital.report.diagram import DiagramData, nki_figure, one_language, save_figure
from naturkapital.scenario.evaluate import ScenarioResult


def diagram_data(result: NKIResult, zone_id: str | int, epoch: str = "",
                 lang: str = "both") -> DiagramData:
    """What the diagram of one zone shows, from a computed result (``lang``: the note's
    language, ``both``, ``da`` or ``en``)."""
    row = result.row(zone_id)
    zid = str(zone_id)
    n_ranked = int(result.table["rank"].notna().sum())
    shares = {k: float(100.0 * result.shares.loc[zid, k]) for k in KEYS}
    values = {k: (None if pd.isna(result.values.loc[zid, k]) else
                  float(result.values.loc[zid, k])) for k in KEYS}
    assumed = {"both": " · Antagelser (assumptions): nature values calibrated/assumed, see "
                       "docs/calibration.md",
               "da": " · Antagelser: naturværdierne er kalibreret/antaget, se "
                     "docs/calibration.md",
               "en": " · Assumptions: nature values calibrated/assumed, see "
                     "docs/calibration.md"}[lang]
    note = (f"{one_language(result.meta['method'], lang)}. Data: {result.meta['landcover']}"
            + (assumed if result.meta["assumptions"] else ""))
    return DiagramData(name=str(row[ZONE_NAME]), shares=shares, values=values,
                       nki=float(row["nki"]),
                       rank=None if pd.isna(row["rank"]) else int(row["rank"]),
                       n_ranked=n_ranked, epoch=epoch or result.meta["landcover"], note=note)


def draw_diagram(
    zone_id: str | int,
    out: str | Path,
    landcover: str | Path = "basemap2021",
    year: int | None = None,
    scheme: str | Path | None = None,
    zones: str | Path | Zones | None = None,
    id_field: str | None = None,
    name_field: str | None = None,
    second: str | Path | None = None,
    nature_only: bool = False,
    result: NKIResult | None = None,
    lang: str = "both",
) -> Path:
    """Draw the NKI diagram of one zone to PNG or SVG; ``second`` adds another epoch
    (a land-cover spec) as outlines. Returns the written path."""
    path = check_out(out, (".png", ".svg"))
    res = result or compute_nki(zones, id_field, name_field, landcover, year, scheme)
    data = diagram_data(res, zone_id, lang=lang)
    other = None
    if second is not None:
        res2 = compute_nki(load_zones(zones, id_field, name_field)
                           if not isinstance(zones, Zones) else zones, landcover=second)
        other = diagram_data(res2, zone_id)
        if nature_only:
            nat = res2.row(zone_id)["nki_nature"]
            other = DiagramData(other.name, other.shares, other.values,
                                0.0 if pd.isna(nat) else float(nat), epoch=other.epoch)
    if nature_only:
        data = _nature_only(data, res, zone_id)
    fig = nki_figure(data, other, nature_only=nature_only, lang=lang)
    return write_atomic(path, lambda tmp: save_figure(fig, tmp))


def _nature_only(d: DiagramData, res: NKIResult, zone_id: str | int) -> DiagramData:
    row = res.row(zone_id)
    rank = None if pd.isna(row["rank_nature"]) else int(row["rank_nature"])
    return DiagramData(d.name, d.shares, d.values, float(row["nki_nature"]), rank,
                       d.n_ranked, d.epoch, d.note)


def scenario_diagram_pair(result: ScenarioResult, zone_id: str, lang: str = "both"
                          ) -> tuple[DiagramData, DiagramData]:
    """NKI diagram data of one zone before and after a scenario (the report's and the
    web editor's diagrams; ``lang``: ``both``, ``da`` or ``en``)."""
    zid = str(zone_id)
    labels = {"both": ("Før (baseline)", "Efter (scenario)"), "da": ("Før", "Efter"),
              "en": ("Baseline", "Scenario")}[lang]
    assumed = {"both": " · Antagelser (assumptions): nature values calibrated/assumed, see "
                       "docs/calibration.md",
               "da": " · Antagelser: naturværdier kalibreret/antaget, se docs/calibration.md",
               "en": " · Assumptions: nature values calibrated/assumed, see "
                     "docs/calibration.md"}[lang]
    method = {"both": "Open-data NKI (land-use proxy); scenario",
              "da": "NKI fra åbne data (arealanvendelse som tilnærmelse); scenarie",
              "en": "Open-data NKI (land-use proxy); scenario"}[lang]
    out = []
    for when, label in zip(("baseline", "scenario"), labels, strict=True):
        sh, va = result.shares[when], result.values[when]
        key = "nki"
        val = result.value(zid, key, when)
        out.append(DiagramData(
            name=result.names[zid],
            shares={k: float(100.0 * sh.loc[zid, k]) if pd.notna(sh.loc[zid, k]) else 0.0
                    for k in KEYS},
            values={k: None if pd.isna(va.loc[zid, k]) else float(va.loc[zid, k])
                    for k in KEYS},
            nki=val, epoch=f"{label} · {one_language(result.meta['landcover'], lang)}",
            note=f"{method}: {Path(result.meta['scenario']).name}"
                 + (assumed if result.meta["assumptions"] else "")))
    return out[0], out[1]
