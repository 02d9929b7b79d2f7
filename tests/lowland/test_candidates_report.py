"""Candidate search on the embedded data, and the application pack (HTML and PDF)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from naturkapital.core.errors import InputError
from naturkapital.lowland.candidates import _tile, candidate_parcels, find_candidates
from naturkapital.lowland.cells import LowlandRasters
from naturkapital.lowland.parcels import ParcelFields, read_parcels
from naturkapital.lowland.rules import load_candidate_params, load_emission_factors, load_rules
from naturkapital.lowland.screening import ELIGIBLE, screen
from naturkapital.report.lowland_pack import render_application_pack, write_application_pack

from .conftest import Scene, write_raster

RULES = load_rules()
F = load_emission_factors()
PARAMS = load_candidate_params()


@pytest.fixture(scope="module")
def fanoe():
    return find_candidates("563", PARAMS, RULES)


def test_candidates_on_embedded_data_are_indicative_ranked_units(fanoe) -> None:
    u = fanoe.units
    assert len(u) > 0
    assert str(u.crs) == "EPSG:25832"
    assert fanoe.meta["indicative"] is True and u["indicative"].all()
    assert "intet kulstofkort" in fanoe.meta["label_da"]
    assert "No carbon map" in fanoe.meta["label_en"]
    # every unit is 2–10 ha and lies in Fanø
    assert (u["area_ha"].round(6) >= 2).all() and (u["area_ha"].round(6) <= 10).all()
    assert np.allclose(u.geometry.area / 10_000, u["area_ha"])
    assert (u["zone_id"] == "563").all() and (u["kommune"] == "Fanø").all()
    # ranked by wet nature nearby, most first
    assert list(u["rank"]) == list(range(1, len(u) + 1))
    assert u["wet_nature_nearby_ha"].is_monotonic_decreasing
    assert (u["wet_nature_nearby_ha"] > 0).all()
    assert len(fanoe.meta["assumptions"]) == 2
    assert u["assumption"].str.startswith("yes: ").all()
    assert fanoe.meta["candidate_land_ha"] >= u["area_ha"].sum() - 1e-6


def test_unknown_kommune_code() -> None:
    with pytest.raises(InputError, match="unknown kommune code 9999"):
        find_candidates("9999", PARAMS, RULES)


def test_tiling_keeps_units_within_limits() -> None:
    # a 1000 m × 250 m strip (25 ha) cut by a 300 m grid: pieces 300×250 (7.5 ha) ×3 and
    # 100×250 (2.5 ha) → all kept
    strip = shapely.box(0, 0, 1000, 250)
    pieces = _tile(strip, 300.0, 2.0)
    assert sorted(round(p.area / 10_000, 6) for p in pieces) == [2.5, 7.5, 7.5, 7.5]
    # a 1000 m × 50 m strip: pieces of 1.5 ha and 0.5 ha are all below 2 ha → none kept
    assert _tile(shapely.box(0, 0, 1000, 50), 300.0, 2.0) == []


def test_candidates_screened_with_user_rasters(fanoe, tmp_path: Path) -> None:
    # uniform 50 m rasters over the first three units: OC 15 %, GVSmax −80 cm, peat 100 cm
    units = fanoe.units.head(3)
    x0, y0, x1, y1 = units.total_bounds
    x0, y1 = np.floor(x0 / 50) * 50 - 100, np.ceil(y1 / 50) * 50 + 100
    w, h = int((x1 - x0) // 50) + 4, int((y1 - y0) // 50) + 4
    kw = {"cell": 50.0, "x0": x0, "y0": y1}
    ras = LowlandRasters(write_raster(tmp_path / "c.tif", np.full((h, w), 15.0), **kw),
                         write_raster(tmp_path / "w.tif", np.full((h, w), -80.0), **kw),
                         write_raster(tmp_path / "p.tif", np.full((h, w), 100.0), **kw))
    res = screen(candidate_parcels(units, RULES), ras, RULES, F)
    t = res.table
    assert (t["status"] == ELIGIBLE).all()
    assert np.allclose(t["peat_area_ha"], units["area_ha"].to_numpy(), atol=1e-5)
    assert np.allclose(t["co2e_reduction_t_per_year"],
                       units["area_ha"].to_numpy() * (46.04 - 6.8), atol=1e-3)


def _screened(scene: Scene, bids: bool = False):
    fields = ParcelFields("omdrift")
    parcels = read_parcels(scene.parcels, "pid", fields, RULES)
    ras = LowlandRasters(scene.carbon, scene.water, scene.peat)
    return screen(parcels, ras, RULES, F), ras


def test_report_html_has_the_pre_study_contents(scene: Scene) -> None:
    res, ras = _screened(scene)
    html = render_application_pack(res, ["ok", "thin"], ras, RULES, F)
    assert html.count('<section class="parcel">') == 2
    assert html.count("data:image/png;base64,") == 2
    for text in ["støtteberettiget / eligible", "ikke støtteberettiget / ineligible",
                 "Areal med tørvejord", "Vandstand før (GVSmax)", "Drænet tørvelag",
                 "156,96 t CO2e/år",              # ok: 4 × (46.04 − 6.8)
                 "640.000 kr.", "440.000 kr.", "200.000 kr.",    # 4 ha × caps
                 "160.000 kr.", "40.000 kr.",     # 80 % / 20 % of 200 000
                 "tinglysning af servitut", "Ingen sprøjtning",
                 "Det drænede tørvelag", "29,0 cm",
                 "default_horizon_years", "tidshorisont 20 år"]:
        assert text in html, text
    with pytest.raises(InputError, match="unknown parcel id"):
        render_application_pack(res, ["nope"], ras, RULES, F)


def test_report_pdf_is_written_atomically(scene: Scene, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    res, ras = _screened(scene)
    folder = tmp_path / "out"
    folder.mkdir()
    out = write_application_pack(res, ["ok"], ras, RULES, F, folder / "pack.pdf")
    data = out.read_bytes()
    assert data[:5] == b"%PDF-" and len(data) > 20_000
    assert [p.name for p in folder.iterdir()] == ["pack.pdf"]        # no temp files left
    with pytest.raises(InputError, match="output must end in"):
        write_application_pack(res, ["ok"], ras, RULES, F, folder / "pack.docx")

    import weasyprint

    def broken(*_a, **_k):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    with pytest.raises(RuntimeError):
        write_application_pack(res, ["ok"], ras, RULES, F, folder / "second.pdf")
    assert [p.name for p in folder.iterdir()] == ["pack.pdf"]        # nothing half-written
