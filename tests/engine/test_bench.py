"""Benchmark building blocks and the ``bench nki-national`` command on a cut-out."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import rasterio
from typer.testing import CliRunner

from naturkapital.bench.national_input import NationalInput
from naturkapital.bench.nki_national import RssSampler, max_nki_diff, numpy_pass, zone_raster
from naturkapital.cli import app
from naturkapital.core.errors import InputError

BBOX = "462000,6140000,467000,6145000"  # Esbjerg / Fanø: a municipal border and the sea


def test_numpy_pass_counts_every_cell(synth, tmp_path):
    data = NationalInput(tmp_path, synth["classes"], synth["bio"], tmp_path / "m.json")
    zpath = zone_raster(data, synth["zones"])
    assert zone_raster(data, synth["zones"]) == zpath  # cached
    counts, bio_sum = numpy_pass(synth["classes"], zpath, synth["bio"], len(synth["zones"]))
    with rasterio.open(synth["classes"]) as c, rasterio.open(zpath) as z, \
            rasterio.open(synth["bio"]) as b:
        cls, zone, bio = c.read(1), z.read(1), b.read(1)
    assert counts.sum() == cls.size
    assert counts[2].sum() == (zone == 2).sum()
    assert counts[0, 0] == ((zone == 0) & (cls == 0)).sum()
    assert bio_sum[1].sum() == bio[(zone == 1) & (bio != 255)].sum()


def test_rss_sampler_sees_an_allocation():
    with RssSampler() as before:
        pass
    with RssSampler(interval=0.005) as during:
        block = np.ones(50_000_000, dtype=np.uint8)
        block[::4096] = 2
        del block
    assert during.peak >= before.peak


def test_max_nki_diff():
    a = pd.Series({"1": 10.0, "2": 20.0})
    assert max_nki_diff(a, a + 0.004) <= 0.0041
    assert np.isnan(max_nki_diff(a, pd.Series({"1": 10.0, "2": np.nan})))


def test_bench_command_on_a_cut_out(tmp_path):
    out = tmp_path / "bench.json"
    res = CliRunner().invoke(app, ["bench", "nki-national", "--data", str(tmp_path / "d"),
                                   "--bbox", BBOX, "--scheduler", "threads", "--workers",
                                   "1", "--rasterstats-sample", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    last = res.output.strip().splitlines()[-1]
    m = re.fullmatch(r"ratio_vs_numpy=([\d.]+) speedup_vs_exactextract=([\d.]+) "
                     r"peak_rss_gb=([\d.]+)", last)
    assert m, last
    assert "max |Δ|" in res.output and "Speed-up with local workers" in res.output
    import json

    nums = json.loads(out.read_text())
    assert nums["nki_max_abs_diff"] <= 0.01
    assert set(nums["methods"]) == {"numpy", "engine", "engine local:1", "exactextract",
                                    "rasterstats"}


def test_bench_bad_options(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["bench", "nki-national", "--data", str(tmp_path),
                              "--scheduler", "quick"])
    assert isinstance(res.exception, InputError) and "--scheduler" in str(res.exception)
    res = runner.invoke(app, ["bench", "nki-national", "--data", str(tmp_path),
                              "--bbox", "1,2,3"])
    assert isinstance(res.exception, InputError) and "--bbox" in str(res.exception)


def test_bench_lowland_on_few_parcels(tmp_path):
    out = tmp_path / "low.json"
    res = CliRunner().invoke(app, ["bench", "lowland", "--data", str(tmp_path / "low"),
                                   "--parcels", "300", "--out", str(out)])
    assert res.exit_code == 0, res.output
    last = res.output.strip().splitlines()[-1]
    assert re.fullmatch(r"parcels=300 seconds=[\d.]+ parcels_per_s=\d+ parcels_per_cpu_s=\d+ "
                        r"ratio_vs_baseline=[\d.]+ identical=True cpu_seconds=[\d.]+ "
                        r"load_1min=[\d.]+ workers=\d+ peak_mb=\d+", last), last
    import json

    nums = json.loads(out.read_text())
    assert sum(nums["status"].values()) == 300
    assert len(nums["status"]) >= 2  # the generated maps give a mix of verdicts


def test_lowland_input_is_deterministic(tmp_path):
    from naturkapital.bench.lowland import generate_lowland

    a = generate_lowland(tmp_path / "a", 50)
    b = generate_lowland(tmp_path / "b", 50)
    for pa, pb in ((a.carbon, b.carbon), (a.peat_depth, b.peat_depth)):
        with rasterio.open(pa) as x, rasterio.open(pb) as y:
            assert np.array_equal(x.read(1), y.read(1), equal_nan=True)
    import geopandas as gpd

    ga, gb = gpd.read_file(a.parcels), gpd.read_file(b.parcels)
    assert ga.geometry.equals(gb.geometry) and (ga["bid"] == gb["bid"]).all()
    area = ga.to_crs(25832).geometry.area / 10_000
    assert area.between(2.0, 7.0).all()
