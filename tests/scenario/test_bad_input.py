"""Bad scenario files: one line naming the file and the problem, exit code 2, no
traceback, nothing written."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon

from tests.conftest import CRS, X0, Y0, run_cli
from tests.nki.test_bad_input import check_clean_error
from tests.scenario.conftest import write_scenario


def args(tiny, whole, scen, out, *extra):
    return ["scenario", "evaluate", "--scenario", str(scen), "--landcover",
            str(tiny["raster"]), "--scheme", str(tiny["scheme"]), "--zones", str(whole),
            "--id-field", "zid", "--out", str(out), *extra]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli_inproc(monkeypatch, capsys):
    """``naturkapital`` in this process (as ``main()`` runs it): fast, same exit codes and
    messages as a subprocess; two tests below also run it as a subprocess."""
    from naturkapital.cli import main

    def run(*argv: str) -> Run:
        monkeypatch.setattr(sys, "argv", ["naturkapital", *argv])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def run_bad(tiny, whole, tmp_path, scen, *needles, extra=(), runner=run_cli):
    out = tmp_path / "o.csv"
    r = runner(*args(tiny, whole, scen, out, *extra))
    check_clean_error(r, *needles)
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".o-*"))  # no temporary left either


def test_missing_file(tiny, whole, tmp_path):
    run_bad(tiny, whole, tmp_path, tmp_path / "nope.gpkg", "nope.gpkg", "not found")


def test_missing_to_class_field(tiny, whole, tmp_path, cli_inproc):
    s = write_scenario(tmp_path / "nofield.gpkg", [{"name": "a", "klasse": 1,
                                                     "cells": (0, 0, 1, 1)}])
    run_bad(tiny, whole, tmp_path, s, "nofield.gpkg", "to_class", "not found", runner=cli_inproc)


def test_unknown_class(tiny, whole, tmp_path, cli_inproc):
    s = write_scenario(tmp_path / "unknown.gpkg", [
        {"name": "ok", "to_class": 1, "cells": (0, 0, 1, 1)},
        {"name": "bad", "to_class": 99, "cells": (1, 0, 2, 1)}])
    run_bad(tiny, whole, tmp_path, s, "unknown.gpkg", "to_class 99", "feature bad",
            runner=cli_inproc)


def test_class_not_a_number(tiny, whole, tmp_path, cli_inproc):
    s = write_scenario(tmp_path / "text.gpkg", [{"name": "a", "to_class": "skov",
                                                  "cells": (0, 0, 1, 1)}])
    run_bad(tiny, whole, tmp_path, s, "text.gpkg", "feature a", "integer", runner=cli_inproc)


def test_overlapping_conversions(tiny, whole, tmp_path):
    s = write_scenario(tmp_path / "overlap.gpkg", [
        {"name": "nord", "to_class": 1, "cells": (0, 0, 2, 2)},
        {"name": "syd", "to_class": 5, "cells": (1, 1, 3, 3)}])
    run_bad(tiny, whole, tmp_path, s, "overlap.gpkg", "nord", "syd", "overlap")


def test_touching_conversions_are_fine(tiny, whole, tmp_path):
    s = write_scenario(tmp_path / "touch.gpkg", [
        {"name": "a", "to_class": 1, "cells": (0, 0, 2, 2)},
        {"name": "b", "to_class": 5, "cells": (2, 0, 4, 2)}])
    out = tmp_path / "o.csv"
    r = run_cli(*args(tiny, whole, s, out))
    assert r.returncode == 0, r.stderr
    assert out.exists()


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_no_crs(tiny, whole, tmp_path, cli_inproc):
    s = write_scenario(tmp_path / "nocrs.shp", [{"name": "a", "to_class": 1,
                                                 "cells": (0, 0, 1, 1)}], crs=None)
    run_bad(tiny, whole, tmp_path, s, "nocrs.shp", "no CRS", runner=cli_inproc)


def test_invalid_geometry(tiny, whole, tmp_path, cli_inproc):
    bowtie = Polygon([(X0, Y0), (X0 + 20, Y0 - 20), (X0 + 20, Y0), (X0, Y0 - 20)])
    s = tmp_path / "bowtie.gpkg"
    gpd.GeoDataFrame({"name": ["x"], "to_class": [1]}, geometry=[bowtie], crs=CRS).to_file(s)
    run_bad(tiny, whole, tmp_path, s, "bowtie.gpkg", "invalid geometry", "x", runner=cli_inproc)


def test_points_not_polygons(tiny, whole, tmp_path, cli_inproc):
    s = tmp_path / "points.gpkg"
    gpd.GeoDataFrame({"to_class": [1]}, geometry=[Point(X0 + 5, Y0 - 5)], crs=CRS).to_file(s)
    run_bad(tiny, whole, tmp_path, s, "points.gpkg", "polygons", runner=cli_inproc)


@pytest.mark.parametrize("field,value,needle", [("oc_pct", 150.0, "outside 0–100"),
                                                ("gvsmax_cm", "dyb", "must be a number")])
def test_bad_optional_numbers(tiny, whole, tmp_path, cli_inproc, field, value, needle):
    s = write_scenario(tmp_path / "num.gpkg", [{"name": "a", "to_class": 1, field: value,
                                                 "cells": (0, 0, 1, 1)}])
    run_bad(tiny, whole, tmp_path, s, "num.gpkg", field, needle, runner=cli_inproc)


def test_water_table_without_peat_depth(tiny, whole, tmp_path, cli_inproc):
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "a", "to_class": 5,
                                              "cells": (2, 0, 4, 2)}])
    run_bad(tiny, whole, tmp_path, s, "--peat-depth", "both",
            extra=("--water-table", str(tiny["raster"])), runner=cli_inproc)


def test_bad_carbon_pools(tiny, whole, tmp_path, cli_inproc):
    pools = tmp_path / "pools.csv"
    pools.write_text("value,c_above,c_below,c_soil,c_dead,low,high,source\n1,1,1,1,1,4,4,x\n",
                     encoding="utf-8")
    s = write_scenario(tmp_path / "s.gpkg", [{"name": "a", "to_class": 1,
                                              "cells": (2, 0, 4, 2)}])
    run_bad(tiny, whole, tmp_path, s, "pools.csv", "no carbon pools",
            extra=("--carbon-pools", str(pools)), runner=cli_inproc)
