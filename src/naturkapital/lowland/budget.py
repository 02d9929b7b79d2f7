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

from dataclasses import dataclass, field

import numpy as np

from naturkapital.lowland.rules import ParamTable


@dataclass(frozen=True)
class Instalment:
    """One payment: Danish and English stage, amount DKK, share of its part in %."""

    stage_da: str
    stage_en: str
    amount_dkk: float
    share_pct: float


#: ``basis`` of a budget built on the applicant's bid / on the maximum support.
BID, MAX_SUPPORT = "bid", "max_support"
#: DKK: rounding in the applicant's figures tolerated before a limit counts as broken.
TOLERANCE_DKK = 0.5


@dataclass(frozen=True)
class Budget:
    """Limits and the plan for one project area (DKK; ``area_ha`` in ha).

    ``basis`` is :data:`BID` when the applicant's bid was used, :data:`MAX_SUPPORT`
    otherwise. ``problems_da``/``problems_en``: rule breaches of the bid (empty when
    within).
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


@dataclass(frozen=True)
class BudgetArrays:
    """Budgets of many project areas at once, one entry per area (DKK; area in ha).

    ``is_bid``: the applicant's bid was used (else the maxima); ``comp_over``,
    ``total_over``, ``costs_under``: the bid breaks the income-compensation cap, the
    total cap or the minimum for project costs (by more than :data:`TOLERANCE_DKK`;
    only assessed for bids on an area above 0).
    """

    area_ha: np.ndarray
    max_support_dkk: np.ndarray
    max_income_comp_dkk: np.ndarray
    min_project_costs_dkk: np.ndarray
    total_dkk: np.ndarray
    income_comp_dkk: np.ndarray
    project_costs_dkk: np.ndarray
    is_bid: np.ndarray
    comp_over: np.ndarray
    total_over: np.ndarray
    costs_under: np.ndarray

    @property
    def within_rules(self) -> np.ndarray:
        """True where the budget keeps every limit."""
        return ~(self.comp_over | self.total_over | self.costs_under)

    @property
    def basis(self) -> np.ndarray:
        """:data:`BID` or :data:`MAX_SUPPORT` per area."""
        return np.where(self.is_bid, BID, MAX_SUPPORT)

    def row(self, i: int, rules: ParamTable) -> Budget:
        """The budget of area ``i`` with its payment plan and the sentences of its
        breaches."""
        area = float(self.area_ha[i])
        comp, total = float(self.income_comp_dkk[i]), float(self.total_dkk[i])
        costs = float(self.project_costs_dkk[i])
        r = rules
        da: list[str] = []
        en: list[str] = []
        for kind, per_ha in ((COMP_OVER, comp / area), (TOTAL_OVER, total / area),
                             (COSTS_UNDER, costs / area)):
            if getattr(self, kind)[i]:
                d, e = breach_sentences(kind, per_ha, r)
                da.append(d)
                en.append(e)
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
        return Budget(area_ha=area, max_support_dkk=float(self.max_support_dkk[i]),
                      max_income_comp_dkk=float(self.max_income_comp_dkk[i]),
                      min_project_costs_dkk=float(self.min_project_costs_dkk[i]),
                      total_dkk=total, income_comp_dkk=comp, project_costs_dkk=costs,
                      basis=BID if self.is_bid[i] else MAX_SUPPORT, instalments=plan,
                      problems_da=da, problems_en=en)


#: The three breaches of a bid (attributes of :class:`BudgetArrays`), in sentence order.
COMP_OVER, TOTAL_OVER, COSTS_UNDER = "comp_over", "total_over", "costs_under"
BREACHES = (COMP_OVER, TOTAL_OVER, COSTS_UNDER)


def breach_sentences(kind: str, per_ha: float, rules: ParamTable) -> tuple[str, str]:
    """The Danish and English sentence of one breach (:data:`BREACHES`) of a bid of
    ``per_ha`` DKK/ha (income compensation, total or project costs)."""
    r = rules
    if kind == COMP_OVER:
        return (f"Buddet på lodsejerkompensation er {_dkk(per_ha)} kr./ha; "
                f"højst {_dkk(r['max_income_comp_dkk_per_ha'])} kr./ha er tilladt.",
                f"income-compensation bid {per_ha:,.0f} DKK/ha exceeds "
                f"{r['max_income_comp_dkk_per_ha']:,.0f} DKK/ha")
    if kind == TOTAL_OVER:
        return (f"Det samlede tilskud er {_dkk(per_ha)} kr./ha; højst "
                f"{_dkk(r['max_support_dkk_per_ha'])} kr./ha er tilladt.",
                f"total support {per_ha:,.0f} DKK/ha exceeds "
                f"{r['max_support_dkk_per_ha']:,.0f} DKK/ha")
    return (f"Kun {_dkk(per_ha)} kr./ha går til undersøgelser, projektering,"
            f" rådgiver og anlæg; mindst {_dkk(r['min_project_costs_dkk_per_ha'])} "
            "kr./ha kræves.",
            f"only {per_ha:,.0f} DKK/ha for studies and construction; at "
            f"least {r['min_project_costs_dkk_per_ha']:,.0f} DKK/ha required")


def _dkk(x: float) -> str:
    """Danish thousands separator: 160.000 kr."""
    return f"{x:,.0f}".replace(",", ".")


def budget_arrays(area_ha: np.ndarray, rules: ParamTable, bid_dkk_per_ha: np.ndarray,
                  total_bid_dkk: np.ndarray) -> BudgetArrays:
    """Budgets for areas ``area_ha`` (ha); NaN in a bid array means "not given".

    Without a bid the plan uses the maxima (total = max support, income compensation
    = its cap, project costs = the rest). With ``bid_dkk_per_ha`` (income compensation
    bid, DKK/ha) and/or ``total_bid_dkk`` (total support applied for, DKK) the plan
    uses them: compensation = bid × area, or, with only a total, total − the minimum
    project costs (within 0 and the cap); total = the total bid, or compensation + the
    minimum project costs.
    """
    r = rules
    area = np.asarray(area_ha, dtype=float)
    bid = np.asarray(bid_dkk_per_ha, dtype=float)
    total_bid = np.asarray(total_bid_dkk, dtype=float)
    max_total = r["max_support_dkk_per_ha"] * area
    max_comp = r["max_income_comp_dkk_per_ha"] * area
    min_costs = r["min_project_costs_dkk_per_ha"] * area
    has_bid, has_total = ~np.isnan(bid), ~np.isnan(total_bid)
    is_bid = has_bid | has_total
    with np.errstate(invalid="ignore"):
        comp = np.where(has_bid, bid * area,
                        np.maximum(0.0, np.minimum(max_comp, total_bid - min_costs)))
        comp = np.where(is_bid, comp, max_comp)
        total = np.where(has_total, total_bid, comp + min_costs)
        total = np.where(is_bid, total, max_total)
        costs = total - comp
        chk = is_bid & (area > 0)
        tol = TOLERANCE_DKK
        return BudgetArrays(area_ha=area, max_support_dkk=max_total,
                            max_income_comp_dkk=max_comp, min_project_costs_dkk=min_costs,
                            total_dkk=total, income_comp_dkk=comp, project_costs_dkk=costs,
                            is_bid=is_bid, comp_over=chk & (comp > max_comp + tol),
                            total_over=chk & (total > max_total + tol),
                            costs_under=chk & (costs < min_costs - tol))


def make_budget(area_ha: float, rules: ParamTable, bid_dkk_per_ha: float | None = None,
                total_bid_dkk: float | None = None) -> Budget:
    """Budget for one area of ``area_ha`` hectares: one row of :func:`budget_arrays`
    (``None`` or NaN: no bid)."""
    def arr(x: float | None) -> np.ndarray:
        return np.array([np.nan if x is None else x], dtype=float)

    return budget_arrays(arr(area_ha), rules, arr(bid_dkk_per_ha),
                         arr(total_bid_dkk)).row(0, rules)
