"""Bad input to ``naturkapital consolidate``: exit code 2, one line naming the file or
option, and no output written."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from tests.conftest import run_cli
from tests.consolidation.test_compute import files  # noqa: F401  (fixture)


def _run(files, tmp_path, *extra, parcels=None):  # noqa: F811
    plan = tmp_path / "plan.gpkg"
    args = ["consolidate", "--parcels", str(parcels or files["parcels"]), "--farms",
            str(files["farms"]), "--project", str(files["project"]), "--land-bank",
            str(files["bank"]), "--plan", str(plan), *extra]
    r = run_cli(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert r.stderr.startswith("Fejl (error):")
    assert "Traceback" not in r.stderr
    assert not plan.exists()
    assert not list(tmp_path.glob(".plan-*"))
    return r.stderr


@pytest.mark.parametrize(("extra", "needles"), [
    (("--soil-field", "nope"), ("parcels.gpkg", "no field 'nope'")),
    ((), ("--value-field", "--soil-field")),
    (("--soil-field", "jb", "--tolerance", "nan"), ("--tolerance",)),
    (("--soil-field", "jb", "--tolerance", "2"), ("--tolerance",)),
    (("--soil-field", "jb", "--fixed", "p6"), ("fixed", "p6 must not move")),
    (("--soil-field", "jb", "--fixed", "zz"), ("--fixed", "zz")),
    (("--soil-field", "jb", "--sellers", "Q"), ("--seller", "owner Q")),
    (("--soil-field", "jb", "--out", "x.txt"), ("x.txt", ".csv")),
])
def test_bad_input(files, tmp_path, extra, needles):  # noqa: F811
    err = _run(files, tmp_path, *extra)
    for n in needles:
        assert n in err, err


def test_points_are_not_parcels(files, tmp_path):  # noqa: F811
    pts = tmp_path / "points.gpkg"
    gpd.GeoDataFrame({"parcel_id": ["a"], "owner": ["A"], "jb": ["JB4"]},
                     geometry=[Point(578_000, 6_178_900)], crs=25832).to_file(pts)
    err = _run(files, tmp_path, "--soil-field", "jb", parcels=pts)
    assert "points.gpkg" in err and "polygons" in err
