"""The vectorised screening table agrees with the per-parcel ``verdict_for`` path."""

import numpy as np
import pytest

from naturkapital.bench.lowland import generate_lowland
from naturkapital.lowland.cells import LowlandRasters
from naturkapital.lowland.parcels import ParcelFields, read_parcels
from naturkapital.lowland.rules import load_emission_factors, load_rules
from naturkapital.lowland.screening import FAIL, SECONDARY, screen


@pytest.mark.parametrize("horizon", [None, 30.0])
def test_table_matches_verdict_for(tmp_path, horizon):
    inp = generate_lowland(tmp_path / "lw", n=400)
    rules, factors = load_rules(), load_emission_factors()
    fields = ParcelFields("in_rotation", "bid", "total_bid", "synergy", "applicant")
    parcels = read_parcels(inp.parcels, "parcel_id", fields, rules)
    # Some parcels without bids, so both budget bases are covered.
    parcels.loc[parcels.index[::3], ["bid_dkk_per_ha", "total_bid_dkk"]] = np.nan
    res = screen(parcels, LowlandRasters(inp.carbon, inp.water_table, inp.peat_depth),
                 rules, factors, horizon, "parcels")
    t = res.table.set_index("parcel_id")
    assert len(t) == len(parcels) and set(t["status"]) >= {"eligible", "ineligible"}
    for pid, v in res.verdicts.items():
        row = t.loc[pid]
        assert row["status"] == v.status
        assert row["failed_criteria"] == ";".join(v.failed)
        explained = [c for c in v.criteria if c.result in (FAIL, SECONDARY)]
        assert row["reasons_da"] == " ".join(c.sentence_da for c in explained)
        assert row["reasons_en"] == "; ".join(c.sentence_en for c in explained)
        assert row["notes"] == " ".join(v.notes_da)
        for c in v.criteria:
            assert row[f"crit_{c.key}"] == c.result
        for k in ("peat_area_ha", "share_oc_above_6_pct", "gvsmax_cm", "drained_peat_cm",
                  "area_ha"):
            assert row[k] == pytest.approx(v.metrics[k], rel=1e-9, nan_ok=True)
        assert row["nodata_pct"] == pytest.approx(v.metrics["nodata_pct"], rel=1e-9,
                                                  abs=1e-9)
        assert row["co2e_reduction_t_per_year"] == pytest.approx(v.emissions.reduction,
                                                                 rel=1e-9, abs=1e-12)
        assert row["dkk_per_t_co2e"] == pytest.approx(v.price_dkk_per_t, rel=1e-9,
                                                      nan_ok=True)
        assert row["budget_total_dkk"] == pytest.approx(v.budget.total_dkk, rel=1e-9)
