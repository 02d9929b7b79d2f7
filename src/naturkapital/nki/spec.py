"""The specs of the index models: ``nki``, ``nki-compare`` and ``nki-diagram``.

Each input is declared here once; the command line, the OGC process, the REST route,
the web form and ``docs/reference.md`` are generated from these specs.
"""

from __future__ import annotations

from naturkapital.core.spec import CLI, REQUIRED, ModelSpec, Output, Param, Text, method_output
from naturkapital.io.output import TABLE_SUFFIXES
from naturkapital.landcover.bioscore import DEFAULT_RULE
from naturkapital.landcover.context import PROXIES
from naturkapital.landcover.sources import EMBEDDED, EPOCHS, YEARS
from naturkapital.nki.compute import compare, compute_nki

ZONES = Param(
    "zones", "vector", Text("Zoner", "Zones"),
    Text("Zonefil med polygoner (GeoPackage, Shapefile, GeoJSON; alle CRS). Standard: de "
         "indlejrede kommuner.",
         "Zone polygons (GeoPackage, Shapefile, GeoJSON; any CRS). Default: the embedded "
         "municipalities."),
    default=None, geometry="polygon")
ID_FIELD = Param("id_field", "field", Text("Id-felt", "Id field"),
                 Text("Felt med zone-id.", "Field that identifies each zone."),
                 default=None, of="zones", max_length=255)
NAME_FIELD = Param("name_field", "field", Text("Navnefelt", "Name field"),
                   Text("Felt med zonens navn.", "Field with the zone's name."),
                   default=None, of="zones", max_length=255)
LANDCOVER = Param(
    "landcover", "epoch", Text("Arealdække", "Land cover"),
    Text("Indlejret kort: basemap2021 (Basemap04 2021) eller corine (med år).",
         "Embedded map: basemap2021 (Basemap04 2021) or corine (with year)."),
    default="basemap2021", choices=EMBEDDED,
    cli_help=Text("basemap2021, corine (med år) eller en klasse-raster (med "
                  "klassifikationstabel).",
                  "basemap2021, corine (with year) or a class raster path (with a scheme)."))
YEAR = Param("year", "choice", Text("År", "Year"),
             Text("CORINE-år: " + ", ".join(map(str, YEARS[:-1])) + "; Basemap04: 2021.",
                  "CORINE year: " + ", ".join(map(str, YEARS[:-1])) + "; Basemap04: 2021."),
             default=None, choices=YEARS)
SCHEME = Param("scheme", "table", Text("Klassifikationstabel", "Scheme"),
               Text("CSV: value,land_type,nature_value,source.",
                    "CSV: value,land_type,nature_value,source."),
               default=None, faces=CLI, columns=("value", "land_type", "nature_value",
                                                 "source"))
PROXY = Param(
    "proxy", "choice", Text("Naturværdi-proxy", "Nature-value proxy"),
    Text("context: en celles naturværdi afhænger af arealtypen og andelen af natur inden "
         "for 500 m (tilpasset de publicerede tal); class: én værdi pr. klasse "
         "(tabellens nature_value, fx din egen klassifikationstabel).",
         "context: a cell's nature value depends on its land type and the share of nature "
         "within 500 m (fitted to the published values); class: one value per class (the "
         "scheme's nature_value, e.g. your own scheme's values)."),
    default="context", choices=PROXIES)
TABLE_OUT = Param("out", "output", Text("Resultat", "Result"),
                  Text("Resultatfil: .csv, .json eller .gpkg (med geometri).",
                       "Result file: .csv, .json or .gpkg (with geometry)."),
                  default=None, faces=CLI, suffixes=TABLE_SUFFIXES)
TOP = Param("top", "integer", Text("Vis kun de første N", "Top N"),
            Text("Vis kun de første N rækker.", "Print only the first N rows."),
            default=None, faces=CLI, minimum=1)

QUIET = Param("quiet", "flag", Text("Stille", "Quiet"),
              Text("Udskriv ingen tabel.", "Print no table."), default=False, faces=CLI,
              short="-q")

TABLE_SCHEMA = {"type": "array", "items": {"type": "object"}}

NKI = ModelSpec(
    id="nki",
    title=Text("Naturkapitalindeks", "Natural Capital Index"),
    about=Text(
        "NKI og NKI natur pr. zone med placering, gruppe og de 8 arealtypers andel og "
        "naturværdi, på Basemap04 2021 eller CORINE (åbne data, DCE/DN's metode).",
        "NKI and NKI natur per zone, with rank, group and the area share and nature value "
        "of each of the 8 land types, on embedded Basemap04 2021 or CORINE (open-data "
        "method, DCE/DN). Zones: the municipalities or your own polygons."),
    inputs=(
        ZONES, ID_FIELD, NAME_FIELD, LANDCOVER, YEAR, SCHEME, PROXY,
        Param("bioscore", "raster", Text("Bioscore", "Bioscore"),
              Text("Bioscore-raster (fx biodiversitetskortet); erstatter tabellens "
                   "naturværdier hvor den har data.",
                   "Bioscore raster (e.g. the biodiversity map); replaces the table's "
                   "nature values where it has data."),
              default=None, faces=CLI, unit="bioscore",
              cli_help=Text("Bioscore-raster, eller fetch:bioscore:KOMMUNE (hentes; se "
                            "naturkapital data list).",
                            "Bioscore raster, or fetch:bioscore:KOMMUNE (fetched into the "
                            "cache; see naturkapital data list).")),
        Param("bioscore_rule", "text", Text("Bioscore-regel", "Bioscore rule"),
              Text("classes:B1,B2,B3,B4 (→ 0/25/50/75/100) eller linear:LO,HI.",
                   "classes:B1,B2,B3,B4 (→ 0/25/50/75/100) or linear:LO,HI."),
              default=DEFAULT_RULE, faces=CLI),
        TABLE_OUT, TOP,
        QUIET,
        Param("engine", "choice", Text("Beregningsmotor", "Engine"),
              Text("exact (i hukommelsen) eller dask (i blokke, nationale 10 m-rastre).",
                   "exact (in memory) or dask (chunked, bounded memory, national 10 m "
                   "rasters)."),
              default="exact", faces=CLI, choices=("exact", "dask")),
        Param("scheduler", "text", Text("Dask-planlægger", "Scheduler"),
              Text("Med --engine dask: threads, processes, local[:N] eller en adresse "
                   "(tcp://host:8786).",
                   "With --engine dask: threads, processes, local[:N] or a Dask scheduler "
                   "address (tcp://host:8786)."),
              default="threads", faces=CLI),
    ),
    outputs=(
        Output("table", "table", Text("NKI-tabel", "NKI table"),
               Text("Én række pr. zone efter placering; alle zoner (zone_id 0) sidst.",
                    "One row per zone, sorted by rank; the all-zones row (zone_id 0) last."),
               TABLE_SCHEMA),
        method_output(Text("Metode, arealdække, tabel, antagelser.",
                           "Method, land cover, scheme, assumptions.")),
    ),
    run=compute_nki,
    command=("nki",),
    rest="nki",
    keywords=("nki", "naturkapitalindeks", "natural capital", "biodiversity"),
)

EPOCH_HELP = Text("Indlejret periode: basemap2021 eller corine:ÅR.",
                  "Embedded epoch: basemap2021 or corine:YEAR.")
EPOCH_CLI_HELP = Text("basemap2021, corine:ÅR eller en raster-sti.",
                      "basemap2021, corine:YEAR or a raster path.")

COMPARE = ModelSpec(
    id="nki-compare",
    title=Text("Sammenlign to perioder", "Compare two epochs"),
    about=Text("NKI-ændring mellem to perioder, delt i arealdel og værdidel.",
               "NKI change between two epochs, split exactly into an area part and a value "
               "part."),
    inputs=(
        Param("from_epoch", "epoch", Text("Fra", "From"), EPOCH_HELP, default=REQUIRED,
              choices=EPOCHS, flag="--from", cli_help=EPOCH_CLI_HELP),
        Param("to_epoch", "epoch", Text("Til", "To"), EPOCH_HELP, default=REQUIRED,
              choices=EPOCHS, flag="--to", cli_help=EPOCH_CLI_HELP),
        ZONES, ID_FIELD, NAME_FIELD,
        Param("scheme_from", "table", Text("Tabel (fra)", "Scheme (from)"),
              Text("Klassifikationstabel for fra-kortet.", "Scheme of the from map."),
              default=None, faces=CLI, columns=SCHEME.columns),
        Param("scheme_to", "table", Text("Tabel (til)", "Scheme (to)"),
              Text("Klassifikationstabel for til-kortet.", "Scheme of the to map."),
              default=None, faces=CLI, columns=SCHEME.columns),
        TABLE_OUT, TOP,
    ),
    outputs=(
        Output("table", "table", Text("Ændringstabel", "Change table"),
               Text("NKI fra/til, Δ, Δ areal, Δ værdi og placeringer pr. zone.",
                    "NKI from/to, delta, delta area, delta value and ranks per zone."),
               TABLE_SCHEMA),
        method_output(Text("Perioder, advarsel om metodeskift, antagelser.",
                           "Epochs, method-change warning, assumptions.")),
    ),
    run=compare,
    command=("compare",),
    rest="compare",
    keywords=("nki", "change", "ændring"),
)

SPECS: tuple[ModelSpec, ...] = (NKI, COMPARE)
