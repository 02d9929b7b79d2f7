"""The spec of the ``accounts`` model: natural capital accounts in the SEEA EA format.

Each input is declared here once; the command line, the OGC process, the web form and
``docs/reference.md`` are generated from this spec.
"""

from __future__ import annotations

from naturkapital.accounts.compute import compute_accounts
from naturkapital.core.spec import CLI, ModelSpec, Output, Param, Text, method_output
from naturkapital.landcover.sources import EPOCHS
from naturkapital.nki.spec import EPOCH_HELP, ID_FIELD, NAME_FIELD, ZONES

#: Suffixes of the long table.
LONG_SUFFIXES: tuple[str, ...] = (".csv", ".json", ".parquet", ".gpkg")
#: Which accounts to return.
ACCOUNTS: tuple[str, ...] = ("all", "extent", "change_matrix", "condition", "services")

TABLE_SCHEMA = {"type": "array", "items": {"type": "object", "properties": {
    "zone_id": {"type": "string"}, "name": {"type": "string"}, "account": {"type": "string"},
    "ecosystem_type": {"type": "string"}, "ecosystem_type_label": {"type": "string"},
    "item": {"type": "string"}, "period": {"type": "string"}, "unit": {"type": "string"},
    "value": {"type": ["number", "null"]}, "kind": {"enum": ["physical", "monetary"]},
    "assumption": {"enum": ["yes", "no"]}}}}

ACCOUNTS_SPEC = ModelSpec(
    id="accounts",
    title=Text("Naturkapitalregnskab (SEEA EA)", "Natural capital accounts (SEEA EA)"),
    about=Text(
        "Økosystemregnskaber efter FN's SEEA EA for hver zone og hele landet mellem to "
        "perioder: udstrækning (primo, tilgang, afgang, nettoændring, ultimo pr. "
        "økosystemtype efter EU's MAES-typologi), ændringsmatrix (fra-type × til-type, ha), "
        "tilstand (naturværdi, NKI, NKI natur, andel våd natur med referenceniveau) og "
        "økosystemtjenester (kulstoflager og -ændring, kvælstofudvaskning, "
        "grundvandsbeskyttelse, levesteder; fysisk og i kroner).",
        "Ecosystem accounts in the UN SEEA EA format for every zone and all zones between "
        "two epochs: extent (opening, additions, reductions, net change, closing per "
        "ecosystem type of the EU MAES typology), the change matrix (from type × to type, "
        "ha; boundary cells by covered fraction), condition (nature value, NKI, NKI "
        "natur, share of wet nature, with reference levels) and services (carbon stock and "
        "its change, nitrogen leaching, groundwater protection, habitat; physical and "
        "monetary, assumptions flagged)."),
    inputs=(
        Param("from_epoch", "epoch", Text("Fra (primo)", "From (opening)"), EPOCH_HELP,
              default="corine:1990", choices=EPOCHS, flag="--from"),
        Param("to_epoch", "epoch", Text("Til (ultimo)", "To (closing)"), EPOCH_HELP,
              default="corine:2018", choices=EPOCHS, flag="--to"),
        ZONES, ID_FIELD, NAME_FIELD,
        Param("account", "choice", Text("Regnskab", "Account"),
              Text("Hvilke regnskaber: all, extent, change_matrix, condition eller services.",
                   "Which accounts: all, extent, change_matrix, condition or services."),
              default="all", choices=ACCOUNTS),
        Param("scheme", "table", Text("Klassifikationstabel", "Scheme"),
              Text("NKI-tabel (naturværdier) for en bruger-raster: "
                   "value,land_type,nature_value,source.",
                   "NKI scheme (nature values) of a user raster: "
                   "value,land_type,nature_value,source."),
              default=None, faces=CLI, columns=("value", "land_type", "nature_value",
                                                "source")),
        Param("typology", "table", Text("Økosystemtypologi", "Ecosystem typology"),
              Text("Klasse → økosystemtype (value,ecosystem_type,source). Standard: den "
                   "indbyggede for CORINE/Basemap04.",
                   "Class → ecosystem type (value,ecosystem_type,source). Default: the "
                   "built-in one of CORINE/Basemap04."),
              default=None, faces=CLI, columns=("value", "ecosystem_type", "source")),
        Param("out", "output", Text("Lang tabel", "Long table"),
              Text("zone_id, account, ecosystem_type, item, period, unit, value: .csv, .json "
                   "eller .parquet; .gpkg: én række pr. zone med polygon (primo, ultimo, "
                   "nettoændring pr. type og tilstand) til kort i QGIS.",
                   "zone_id, account, ecosystem_type, item, period, unit, value: .csv, .json "
                   "or .parquet; .gpkg: one row per zone with its polygon (opening, closing, "
                   "net change per type and condition) for maps in QGIS."),
              default=None, faces=CLI, suffixes=LONG_SUFFIXES),
        Param("workbook", "output", Text("Excel-projektmappe", "Excel workbook"),
              Text("Regnskaberne i SEEA EA-opstilling, ét ark pr. regnskab (.xlsx).",
                   "The accounts in the SEEA EA layout, one sheet per account (.xlsx)."),
              default=None, faces=CLI, suffixes=(".xlsx",)),
        Param("chart", "output", Text("Figur", "Chart"),
              Text("Udstrækning primo/ultimo og nettoændring for --zone (.png/.svg).",
                   "Opening/closing extent and net change of --zone (.png/.svg)."),
              default=None, faces=CLI, suffixes=(".png", ".svg")),
        Param("condition_chart", "output", Text("Tilstandsfigur", "Condition chart"),
              Text("Tilstand over tid for --zone: NKI, NKI natur, våd natur og naturværdi "
                   "pr. type i hver CORINE-periode fra --from til --to (.png/.svg).",
                   "Condition over time of --zone: NKI, NKI natur, wet nature and nature "
                   "value per type at every CORINE epoch from --from to --to (.png/.svg)."),
              default=None, faces=CLI, suffixes=(".png", ".svg")),
        Param("zone", "text", Text("Zone", "Zone"),
              Text("Zone-id der udskrives og tegnes; 0 = alle zoner (hele landet).",
                   "Zone id to print and chart; 0 = all zones (national)."),
              default="0", faces=CLI, max_length=255),
        Param("quiet", "flag", Text("Stille", "Quiet"),
              Text("Udskriv ingen tabeller.", "Print no tables."), default=False, faces=CLI,
              short="-q"),
    ),
    outputs=(
        Output("table", "table", Text("Lang tabel", "Long table"),
               Text("Én værdi pr. række: zone, regnskab, økosystemtype, post, periode, "
                    "enhed.",
                    "One value per row: zone, account, ecosystem type, item, period, unit."),
               TABLE_SCHEMA),
        method_output(Text("Perioder, typologi, kilder, referenceniveauer, antagelser.",
                           "Epochs, typology, sources, reference levels, assumptions.")),
    ),
    run=compute_accounts,
    command=("accounts",),
    rest="accounts",
    keywords=("accounts", "regnskab", "SEEA", "ecosystem extent", "condition"),
)

SPECS: tuple[ModelSpec, ...] = (ACCOUNTS_SPEC,)
