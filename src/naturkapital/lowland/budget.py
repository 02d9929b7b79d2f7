"""Budget and payment plan of a lowland project under the rules table (DKK, ha).

Support is at most ``max_support_dkk_per_ha`` in all, of which at most
``max_income_comp_dkk_per_ha`` income compensation (lodsejerkompensation); at least
``min_project_costs_dkk_per_ha`` must go to preliminary and full studies, detailed
design, consultant and construction. Project costs are paid in instalments against
documented costs, at most ``max_paid_before_completion_pct`` before completion, the
rest (``paid_after_validation_pct``) after validation; the income compensation is
paid when the easement is registered on the title.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from naturkapital.lowland.rules import ParamTable


@dataclass(frozen=True)
class Instalment:
    """One payment: Danish and English stage, amount DKK, share of its part in %."""

    stage_da: str
    stage_en: str
    amount_dkk: float
    share_pct: float


@dataclass(frozen=True)
class Budget:
    """Limits and the plan for one project area.

    ``basis`` is ``"bid"`` when the applicant's bid was used, ``"maximum"`` otherwise.
    ``problems_da``/``problems_en``: rule breaches of the bid (empty when within).
    """

    area_ha: float
    max_support_dkk: float
    max_income_comp_dkk: float
    min_project_costs_dkk: float
    total_dkk: float
    income_comp_dkk: float
    project_costs_dkk: float
    basis: str
    instalments: list[Instalment]
    problems_da: list[str] = field(default_factory=list)
    problems_en: list[str] = field(default_factory=list)

    @property
    def within_rules(self) -> bool:
        return not self.problems_da


def _dkk(x: float) -> str:
    """Danish thousands separator: 160.000 kr."""
    return f"{x:,.0f}".replace(",", ".")


def make_budget(area_ha: float, rules: ParamTable, bid_dkk_per_ha: float | None = None,
                total_bid_dkk: float | None = None) -> Budget:
    """Budget for ``area_ha`` hectares.

    Without a bid the plan uses the maxima (total = max support, income compensation
    = its cap, project costs = the rest). With ``bid_dkk_per_ha`` (income compensation
    bid, DKK/ha) and/or ``total_bid_dkk`` (total support applied for, DKK) the plan
    uses them and lists breaches of the per-ha limits.
    """
    r = rules
    max_total = r["max_support_dkk_per_ha"] * area_ha
    max_comp = r["max_income_comp_dkk_per_ha"] * area_ha
    min_costs = r["min_project_costs_dkk_per_ha"] * area_ha
    has_bid = _given(bid_dkk_per_ha)
    has_total = _given(total_bid_dkk)
    if not has_bid and not has_total:
        total, comp, basis = max_total, max_comp, "maximum"
    else:
        comp = (bid_dkk_per_ha * area_ha if has_bid
                else max(0.0, min(max_comp, total_bid_dkk - min_costs)))
        total = total_bid_dkk if has_total else comp + min_costs
        basis = "bid"
    costs = total - comp
    da: list[str] = []
    en: list[str] = []
    tol = 0.5  # DKK: rounding in the applicant's figures
    if basis == "bid" and area_ha > 0:
        if comp > max_comp + tol:
            da.append(f"Buddet på lodsejerkompensation er {_dkk(comp / area_ha)} kr./ha; "
                      f"højst {_dkk(r['max_income_comp_dkk_per_ha'])} kr./ha er tilladt.")
            en.append(f"income-compensation bid {comp / area_ha:,.0f} DKK/ha exceeds "
                      f"{r['max_income_comp_dkk_per_ha']:,.0f} DKK/ha")
        if total > max_total + tol:
            da.append(f"Det samlede tilskud er {_dkk(total / area_ha)} kr./ha; højst "
                      f"{_dkk(r['max_support_dkk_per_ha'])} kr./ha er tilladt.")
            en.append(f"total support {total / area_ha:,.0f} DKK/ha exceeds "
                      f"{r['max_support_dkk_per_ha']:,.0f} DKK/ha")
        if costs < min_costs - tol:
            da.append(f"Kun {_dkk(costs / area_ha)} kr./ha går til undersøgelser, projektering,"
                      f" rådgiver og anlæg; mindst {_dkk(r['min_project_costs_dkk_per_ha'])} "
                      "kr./ha kræves.")
            en.append(f"only {costs / area_ha:,.0f} DKK/ha for studies and construction; at "
                      f"least {r['min_project_costs_dkk_per_ha']:,.0f} DKK/ha required")
    before = r["max_paid_before_completion_pct"]
    after = r["paid_after_validation_pct"]
    plan = [
        Instalment("Rater mod dokumenterede udgifter før færdiggørelse (højst)",
                   "instalments against documented costs before completion (at most)",
                   costs * before / 100.0, before),
        Instalment("Slutbetaling efter validering", "final payment after validation",
                   costs * after / 100.0, after),
        Instalment("Lodsejerkompensation ved tinglysning af servitut",
                   "income compensation when the easement is registered", comp, 100.0),
    ]
    return Budget(area_ha=area_ha, max_support_dkk=max_total, max_income_comp_dkk=max_comp,
                  min_project_costs_dkk=min_costs, total_dkk=total, income_comp_dkk=comp,
                  project_costs_dkk=costs, basis=basis, instalments=plan, problems_da=da,
                  problems_en=en)


def _given(x: float | None) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))
