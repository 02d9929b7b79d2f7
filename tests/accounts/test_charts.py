"""The condition series agrees with the condition account; the charts are drawn."""

from __future__ import annotations

import pytest

from naturkapital.accounts.compute import compute_accounts, condition_series, series_epochs
from naturkapital.report.accounts import draw_condition_chart, draw_extent_chart


def test_series_epochs():
    assert series_epochs("corine:1990", "corine:2012") == [
        "corine:1990", "corine:2000", "corine:2006", "corine:2012"]
    assert series_epochs("basemap2021", "basemap2021") == ["basemap2021"]


def test_series_ends_are_the_account(two_epochs, tmp_path):
    e = two_epochs
    res = compute_accounts(e["from"], e["to"], e["zones"], "zid", scheme=e["scheme"],
                           typology=e["typology"])
    s = condition_series([e["from"], e["to"]], e["zones"], "zid", scheme=e["scheme"],
                         typology=e["typology"])
    cond = res.condition.set_index(["zone_id", "ecosystem_type", "indicator"])
    for rec in s.itertuples():
        col = "opening" if rec.year == "1990" else "closing"
        assert rec.value == pytest.approx(
            cond.loc[(rec.zone_id, rec.ecosystem_type, rec.indicator), col], nan_ok=True)
    draw_condition_chart(s, "A", "Zone A", tmp_path / "c.png")
    draw_extent_chart(res, "A", tmp_path / "e.svg")
    assert (tmp_path / "c.png").stat().st_size > 5_000
    assert "<svg" in (tmp_path / "e.svg").read_text(encoding="utf-8")[:500]
