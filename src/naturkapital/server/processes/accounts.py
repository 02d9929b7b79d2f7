"""The ``accounts`` process: natural capital accounts in the SEEA EA format."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from naturkapital.accounts.compute import AccountsResult, compute_accounts
from naturkapital.accounts.spec import ACCOUNTS_SPEC
from naturkapital.core.errors import InputError
from naturkapital.server.cache import records
from naturkapital.server.processes import ProcessContext, ProcessSpec, register
from naturkapital.server.uploads import process_zones


@lru_cache(maxsize=8)
def municipal_accounts(from_epoch: str, to_epoch: str) -> AccountsResult:
    """The accounts of the embedded municipalities (computed once per epoch pair)."""
    return compute_accounts(from_epoch, to_epoch)


def _meta(res: AccountsResult, account: str) -> dict[str, Any]:
    return {**res.meta, "account": account}


def execute_accounts(inputs: Any, ctx: ProcessContext) -> dict[str, Any]:
    """The long table (all accounts or one) and the method, sources and assumptions."""
    frm, to, account = inputs.from_epoch, inputs.to_epoch, inputs.account
    if frm != to and not (str(frm).startswith("corine") and str(to).startswith("corine")):
        # said here, so the error names the input and not a file on the server
        raise InputError("to_epoch", f"{to} is not on the grid of {frm}; a change matrix "
                                     "needs two CORINE years (Basemap04 2021 is a separate "
                                     "series: give basemap2021 for both)")
    if inputs.zones is None:
        ctx.progress(10, "accounts of the municipalities")
        res = municipal_accounts(frm, to)
    else:
        up = process_zones(inputs.zones, inputs.id_field, inputs.name_field,
                           ctx.services.settings)
        ctx.progress(20, f"accounts of {len(up.zones.gdf)} zones")
        res = compute_accounts(frm, to, up.zones)
    table = res.table if account == "all" else res.table[res.table["account"] == account]
    return {"table": records(table), "meta": _meta(res, account)}


SPEC = register(ProcessSpec(ACCOUNTS_SPEC, execute_accounts))
