"""Every ``naturkapital lowland`` command end to end; bad input → exit 2 and one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from naturkapital.cli import main

from .conftest import CRITERIA_PARCELS, Scene, build_scene, run_cli, write_raster

# bids on ok (eligible), big (secondary, cheaper per ha) and meadow (price too high)
BIDS = {"bud": [100_000, None, 90_000, None, None, None, None, 60_000],
        "samlet": [640_000, None, 1_680_000, None, None, None, None, 320_000],
        "syn": [10, None, 12, None, None, None, None, 8],
        "ansoeger": ["privat", "", "kommune", "", "", "", "", "kirke"]}


@pytest.fixture
def bid_scene(tmp_path: Path) -> Scene:
    return build_scene(tmp_path, CRITERIA_PARCELS, extra=BIDS)


def screen_args(s: Scene, *more: str) -> list[str]:
    return ["lowland", "screen", "--parcels", str(s.parcels), "--id-field", "pid",
            "--in-rotation-field", "omdrift", "--carbon", str(s.carbon), "--water-table",
            str(s.water), "--peat-depth", str(s.peat), *more]


def test_screen_then_auction_end_to_end(bid_scene: Scene, tmp_path: Path) -> None:
    out = tmp_path / "screen.csv"
    p = run_cli(*screen_args(bid_scene, "--bid-field", "bud", "--total-bid-field", "samlet",
                             "--synergy-field", "syn", "--applicant-field", "ansoeger",
                             "--horizon-years", "20", "--out", str(out)))
    assert p.returncode == 0, p.stderr
    assert "horisont 20 år" in p.stdout
    assert "Status: eligible 2, secondary 1, ineligible 5" in p.stdout
    assert "meadow: Buddet svarer til 930 kr. pr. ton CO2e over 20 år" in p.stdout
    t = pd.read_csv(out, encoding="utf-8-sig").set_index("parcel_id")
    for col in ["status", "failed_criteria", "area_ha", "peat_area_ha",
                "share_oc_above_6_pct", "gvsmax_cm", "drained_peat_cm",
                "co2e_before_t_per_year", "co2e_after_t_per_year",
                "co2e_reduction_t_per_year", "max_support_dkk", "horizon_years"]:
        assert col in t.columns, col
    assert t.loc["ok", "co2e_reduction_t_per_year"] == pytest.approx(156.96, abs=1e-4)
    assert t.loc["small", "failed_criteria"] == "peat_area"
    # meadow: 2 ha, 6–12 % not in rotation: 320 000 / ((30.8 − 13.6) × 20) = 930 DKK/t
    assert t.loc["meadow", "failed_criteria"] == "price"
    assert t.loc["big", "applicant_type"] == "municipality"
    assert t.loc["big", "dkk_per_t_co2e"] == pytest.approx(1_680_000 / (412.02 * 20), abs=1e-3)

    res = tmp_path / "auction.csv"
    p = run_cli("lowland", "auction", "--bids", str(out), "--out", str(res))
    assert p.returncode == 0, p.stderr
    a = pd.read_csv(res, encoding="utf-8-sig").set_index("parcel_id")
    # ok (eligible) ranks before big (secondary) although big bids less per ha;
    # applied 2 320 000, cap 95 % = 2 204 000 → ok funded, big not; meadow rejected (price)
    assert a.loc["ok", "rank"] == 1 and a.loc["big", "rank"] == 2
    assert a.loc["ok", "decision"] == "funded"
    assert a.loc["big", "decision"] == "not_funded"
    assert a.loc["meadow", "decision"] == "rejected"
    assert "Marginalt bud (marginal bid): ok med 100,000 kr./ha" in p.stdout
    assert "loft (cap, 5 % rule) 2,204,000 kr." in p.stdout


def test_screen_gpkg_and_json_outputs(scene: Scene, tmp_path: Path) -> None:
    gp = tmp_path / "screen.gpkg"
    p = run_cli(*screen_args(scene, "--out", str(gp), "--top", "0"))
    assert p.returncode == 0, p.stderr
    g = gpd.read_file(gp, layer="screen")
    assert len(g) == 8 and str(g.crs) == "EPSG:25832"
    assert set(g["status"]) == {"eligible", "secondary", "ineligible"}
    meta = gpd.read_file(gp, layer="metadata").set_index("key")["value"]
    assert json.loads(meta["horizon_years"]) == 20
    assert "default_horizon_years" in meta["assumptions"]


def test_candidates_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "cand.gpkg"
    p = run_cli("lowland", "candidates", "--zone", "563", "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert "VEJLEDENDE" in p.stdout and "Vejledende:" in p.stdout
    assert "Indicative:" in p.stdout
    g = gpd.read_file(out, layer="cand")
    assert len(g) > 0 and g["indicative"].all()
    assert g["area_ha"].between(2 - 1e-6, 10 + 1e-6).all()


def test_report_pdf_end_to_end(scene: Scene, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    args = screen_args(scene, "--id", "ok", "--id", "small", "--out", str(out))
    args[1] = "report"
    p = run_cli(*args)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes()[:5] == b"%PDF-"
    assert "ok: eligible" in p.stdout and "small: ineligible" in p.stdout


def test_candidates_with_user_rasters_and_json(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture) -> None:
    """In-process through main(): Fanø's units screened on uniform 100 m rasters."""
    from naturkapital.lowland.candidates import municipality

    x0, y0, x1, y1 = municipality("563")[2].bounds
    x0, y1 = float(int(x0 // 100) * 100 - 200), float(int(y1 // 100) * 100 + 200)
    w, h = int((x1 - x0) // 100) + 4, int((y1 - y0) // 100) + 4
    kw = {"cell": 100.0, "x0": x0, "y0": y1}
    c = write_raster(tmp_path / "c.tif", np.full((h, w), 8.0), **kw)        # 6–12 %
    wt = write_raster(tmp_path / "w.tif", np.full((h, w), 60.0), **kw)      # depths
    pe = write_raster(tmp_path / "p.tif", np.full((h, w), 25.0), **kw)      # thin peat
    out = tmp_path / "cand.json"
    monkeypatch.setattr(sys, "argv", [
        "naturkapital", "lowland", "candidates", "--zone", "563", "--carbon", str(c),
        "--water-table", str(wt), "--peat-depth", str(pe), "--positive-depths",
        "--horizon-years", "25", "--out", str(out)])
    main()
    stdout = capsys.readouterr().out
    assert "Status: eligible 0, secondary 0, ineligible" in stdout
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["metadata"]["indicative"] is True
    assert doc["metadata"]["screening"]["horizon_years"] == 25
    rows = doc["rows"]
    assert rows and all(r["failed_criteria"] == "drained_peat" for r in rows)
    assert all(r["gvsmax_cm"] == pytest.approx(-60.0) for r in rows)
    # 6–12 % in rotation (default, an assumption): (21.08 − 6.8) t/ha/yr
    assert all(r["co2e_reduction_t_per_year"] == pytest.approx(r["area_ha"] * 14.28,
                                                               rel=1e-5) for r in rows)
    assert any("default_in_rotation" in a for a in doc["metadata"]["assumptions"])


# --- bad input: exit code 2 and one line, in-process through main() -----------------

def run_main(args: list[str], monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["naturkapital", *args])
    with pytest.raises(SystemExit) as exc:
        main()
    return int(exc.value.code), capsys.readouterr().err


def assert_one_line(err: str, *needles: str) -> None:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("Fejl (error):"), err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], (n, err)


def test_screen_bad_inputs(scene: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture) -> None:
    coarse = write_raster(tmp_path / "gvs20.tif", np.full((30, 120), -70.0),
                          cell=20.0)
    cases = [
        (screen_args(Scene(scene.carbon, coarse, scene.peat, scene.parcels, {})),
         ("gvs20.tif", "cell size 20 m vs 10 m", "--align")),
        (screen_args(Scene(scene.carbon, scene.water, scene.peat, tmp_path / "none.gpkg",
                           {})), ("none.gpkg", "not found")),
        (screen_args(scene, "--out", str(tmp_path / "x.xlsx")), ("x.xlsx", "output must end")),
        (screen_args(scene, "--horizon-years", "0"), ("--horizon-years",)),
        (screen_args(scene)[:6] + ["--in-rotation-field", "omdrift", "--carbon",
                                   str(tmp_path / "missing.tif"), "--water-table",
                                   str(scene.water), "--peat-depth", str(scene.peat)],
         ("missing.tif", "carbon raster not found")),
    ]
    for args, needles in cases:
        code, err = run_main(args, monkeypatch, capsys)
        assert code == 2, (args, err)
        assert_one_line(err, *needles)


def test_other_commands_bad_inputs(scene: Scene, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture) -> None:
    bids = tmp_path / "bids.csv"
    pd.DataFrame({"parcel_id": ["a"], "area_ha": [1.0], "bid_dkk_per_ha": [5e4],
                  "total_bid_dkk": [1e5]}).to_csv(bids, index=False)
    report = screen_args(scene, "--id", "nope", "--out", str(tmp_path / "r.pdf"))
    report[1] = "report"
    cases = [
        (["lowland", "auction", "--bids", str(bids)], ("bids.csv", "synergy_points")),
        (["lowland", "auction", "--bids", str(tmp_path / "no.csv")], ("no.csv", "not found")),
        (["lowland", "candidates", "--zone", "9999"], ("--zone", "unknown kommune code")),
        (["lowland", "candidates", "--zone", "563", "--carbon", str(scene.carbon)],
         ("give all three rasters",)),
        (report, ("parcels.gpkg", "no parcel with pid = nope")),
    ]
    for args, needles in cases:
        code, err = run_main(args, monkeypatch, capsys)
        assert code == 2, (args, err)
        assert_one_line(err, *needles)
    assert not (tmp_path / "r.pdf").exists()


def test_subprocess_bad_input_has_no_traceback(scene: Scene, tmp_path: Path) -> None:
    p = run_cli("lowland", "candidates", "--zone", "9999")
    assert p.returncode == 2
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "unknown kommune code 9999" in lines[0]
