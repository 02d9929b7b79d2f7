"""The specs of the lowland models (Klimaskovfonden's criteria): ``lowland-screen``,
``lowland-candidates``, ``lowland-auction`` and ``lowland-report``.

Each input is declared here once; the command line, the OGC processes, the REST
routes, the web forms and ``docs/reference.md`` are generated from these specs.
"""

from __future__ import annotations

from dataclasses import replace

from naturkapital.core.spec import CLI, ModelSpec, Output, Param, Text, kommune_param, method_output
from naturkapital.io.output import TABLE_SUFFIXES
from naturkapital.lowland.auction import run_auction
from naturkapital.lowland.candidates import find_candidates
from naturkapital.lowland.screening import MAX_HORIZON_YEARS, screen

PARCELS = Param(
    "parcels", "vector", Text("Parceller", "Parcels"),
    Text("Parcelfil med polygoner (GeoPackage, Shapefile, GeoJSON; alle CRS).",
         "Parcel polygons (GeoPackage, Shapefile, GeoJSON; any CRS)."),
    geometry="polygon")
PARCEL_ID = Param("id_field", "field", Text("Id-felt", "Id field"),
                  Text("Felt med parcel-id.", "Field with the parcel id."), of="parcels",
                  max_length=255)
PARCEL_ID_OPTIONAL = Param("id_field", "field", PARCEL_ID.label,
                           Text("Felt med parcel-id (standard over HTTP: det første felt).",
                                "Parcel id field (over HTTP default: the first field)."),
                           default=None, of="parcels", max_length=255)
ROTATION = Param("in_rotation_field", "field", Text("Omdriftsfelt", "In-rotation field"),
                 Text("Felt: i omdrift ja/nej (standard: regeltabellen, en antagelse).",
                      "Field: in rotation yes/no (default: rules table, an assumption)."),
                 default=None, of="parcels", max_length=255)
APPLICATION_FIELDS = (
    Param("bid_field", "field", Text("Budfelt", "Bid field"),
          Text("Felt: bud på lodsejerkompensation, kr./ha.",
               "Field: income-compensation bid, DKK/ha."),
          default=None, faces=CLI, of="parcels"),
    Param("total_bid_field", "field", Text("Felt: samlet tilskud", "Total bid field"),
          Text("Felt: samlet ansøgt tilskud, kr.", "Field: total support applied, DKK."),
          default=None, faces=CLI, of="parcels"),
    Param("synergy_field", "field", Text("Synergifelt", "Synergy field"),
          Text("Felt: synergipoint (0–23).", "Field: synergy points (0–23)."),
          default=None, faces=CLI, of="parcels"),
    Param("applicant_field", "field", Text("Ansøgerfelt", "Applicant field"),
          Text("Felt: ansøgertype (privat, virksomhed, kirke, region, kommune).",
               "Field: applicant type (privat, virksomhed, kirke, region, kommune)."),
          default=None, faces=CLI, of="parcels"),
)
CARBON = Param("carbon", "raster", Text("Kulstofkort", "Organic carbon"),
               Text("Organisk kulstof i procent (Kulstof 2022).",
                    "Organic carbon raster, percent (Kulstof 2022)."),
               unit="% OC", projected=True)
WATER_TABLE = Param("water_table", "raster", Text("Vandstand (GVSmax)", "Water table (GVSmax)"),
                    Text("Sommervandstand i cm ift. terræn, negativ under terræn.",
                         "Summer water table, cm relative to the surface, negative below."),
                    unit="cm", projected=True)
PEAT_DEPTH = Param("peat_depth", "raster", Text("Tørvedybde", "Peat depth"),
                   Text("Tørvedybde i cm.", "Peat depth raster, cm."), unit="cm",
                   projected=True)
POSITIVE = Param("positive_depths", "flag", Text("Positive dybder", "Positive depths"),
                 Text("GVSmax-kortet angiver dybde under terræn som positive cm.",
                      "The water-table raster gives depths below the surface as positive "
                      "cm."), default=False)
ALIGN = Param("align", "flag", Text("Tilpas gitre", "Align grids"),
              Text("Tilpas vandstand og tørvedybde til kulstofkortets gitter (gennemsnit).",
                   "Resample water table and peat depth onto the carbon grid (cell-area "
                   "average)."), default=False)
HORIZON = Param("horizon_years", "number", Text("Tidshorisont", "Horizon"),
                Text("Tidshorisont for CO2 i år (standard: regeltabellen).",
                     "CO2 horizon in years (default: the rules table)."),
                default=None, unit="years", exclusive_minimum=0, maximum=MAX_HORIZON_YEARS)
RULES = Param("rules", "table", Text("Regeltabel", "Rules table"),
              Text("Regeltabel CSV (standard: klimaskovfonden_2024).",
                   "Rules table CSV (default: klimaskovfonden_2024)."),
              default=None, faces=CLI, columns=("key", "value", "unit", "source"))
FACTORS = Param("emission_factors", "table", Text("Emissionsfaktorer", "Emission factors"),
                Text("Emissionsfaktorer CSV (standard: SEGES).",
                     "Emission factors CSV (default: SEGES)."), default=None, faces=CLI)
TOP = Param("top", "integer", Text("Vis kun de første N", "Top N"),
            Text("Vis kun de første N rækker (standard: alle; 50 når --out er givet).",
                 "Print only the first N rows (default: all; 50 when --out is given)."),
            default=None, faces=CLI, minimum=0)

FETCH_INPUTS = (
    kommune_param(Text("Hent kortene for denne kommune (med --fetch), fx 760.",
                       "Fetch the maps for this municipality (with --fetch), e.g. 760."),
                  default=None, faces=CLI),
    Param("fetch", "flag", Text("Hent kort", "Fetch maps"),
          Text("Hent manglende kort (parceller, kulstof, GVSmax, tørvedybde) fra de "
               "nationale kilder til cachen; kræver naturkapital --allow-network.",
               "Fetch missing maps (parcels, carbon, GVSmax, peat depth) from the national "
               "sources into the cache (naturkapital data list); needs naturkapital "
               "--allow-network unless cached."), default=False, faces=CLI),
    Param("cache", "text", Text("Cache-mappe", "Cache folder"),
          Text("Mappe til hentede kort (standard: NATURKAPITAL_CACHE eller "
               "~/.cache/naturkapital).", "Folder for fetched maps (default: "
               "NATURKAPITAL_CACHE or ~/.cache/naturkapital)."), default=None, faces=CLI),
)

SCREEN_OUTPUTS = (
    Output("table", "table", Text("Screeningstabel", "Screening table"),
           Text("Én række pr. parcel: status, fejlede kriterier med begrundelse, CO2 før/"
                "efter (SEGES), maksimalt tilskud og betalingsplan.",
                "One row per parcel: status, failed criteria with plain reasons, CO2 before/"
                "after (SEGES), maximum support and payment plan."),
           {"type": "array", "items": {"type": "object"}}),
    Output("parcels", "vector", Text("Parceller", "Parcels"),
           Text("GeoJSON (EPSG:4326) med status.", "GeoJSON (EPSG:4326) with status.")),
    method_output(Text("Regelversion, faktorer, horisont, antagelser.",
                       "Rules version, factors, horizon, assumptions.")),
)

SCREEN = ModelSpec(
    id="lowland-screen",
    title=Text("Lavbund: screening efter Klimaskovfondens kriterier", "Lowland screening"),
    about=Text("Parceller screenet mod Klimaskovfondens kriterier med dine tre kort "
               "(organisk kulstof %, GVSmax cm, tørvedybde cm): status og begrundelser, CO2 "
               "før/efter, maksimalt tilskud og betalingsplan.",
               "Parcels screened against Klimaskovfonden's criteria with your three maps "
               "(organic carbon %, GVSmax cm, peat depth cm, on one grid): status and failed "
               "criteria with plain reasons, CO2 before/after (SEGES), maximum support and "
               "payment plan."),
    inputs=(replace(PARCELS, fetch="markblokke"), PARCEL_ID_OPTIONAL,
            replace(CARBON, fetch="kulstof2022"), replace(WATER_TABLE, fetch="gvsmax"),
            replace(PEAT_DEPTH, fetch="toerv2022"), ROTATION, *APPLICATION_FIELDS, POSITIVE,
            ALIGN, HORIZON, RULES, FACTORS, *FETCH_INPUTS,
            Param("out", "output", Text("Resultat", "Result"),
                  Text("Resultatfil: .csv, .json eller .gpkg (med parcelgeometri).",
                       "Result: .csv, .json or .gpkg (with parcel geometry)."),
                  default=None, faces=CLI, suffixes=TABLE_SUFFIXES),
            TOP),
    outputs=SCREEN_OUTPUTS,
    run=screen,
    command=("lowland", "screen"),
    rest="lowland/screen",
    keywords=("lowland", "lavbund", "klimaskovfonden", "screening", "peat"),
)

CANDIDATES = ModelSpec(
    id="lowland-candidates",
    title=Text("Lavbund: vejledende kandidatarealer", "Indicative lowland candidate areas"),
    about=Text("Landbrugsjord på eller ved våd natur i én kommune (Basemap04 2021, kortet "
               "over tør/våd natur) i enheder på 2–10 ha, rangeret efter våd natur i nærheden."
               " VEJLEDENDE: intet kulstofkort er indlejret.",
               "Farmland on or beside wet nature in one municipality (Basemap04 2021, dry/wet "
               "nature map), in 2–10 ha units ranked by wet nature nearby. INDICATIVE: no "
               "carbon map is embedded; screen the units with your own carbon, water-table "
               "and peat-depth maps (lowland-screen)."),
    inputs=(
        kommune_param(Text("Indlejret kommunekode, fx 563 Fanø, 760 Ringkøbing-Skjern.",
                           "Embedded municipality code, e.g. 563 Fanø, 760 Ringkøbing-Skjern."),
                      flag="--zone"),
        Param("top", "integer", TOP.label,
              Text("Kun de første N enheder (standard: alle over HTTP, 15 i terminalen).",
                   "Only the first N ranked units (default: all over HTTP, 15 printed)."),
              default=None, minimum=0, maximum=100_000),
        Param("out", "output", Text("Resultat", "Result"),
              Text(".gpkg (med geometri), .csv eller .json",
                   ".gpkg (with geometry), .csv or .json"),
              default=None, faces=CLI, suffixes=TABLE_SUFFIXES),
        replace(CARBON, default=None, faces=CLI,
                            help=Text("Valgfrit: screen enhederne med dit kulstofkort.",
                                         "Optional: screen the units with your carbon "
                                         "raster (% OC).")),
        replace(WATER_TABLE, default=None, faces=CLI),
        replace(PEAT_DEPTH, default=None, faces=CLI),
        replace(POSITIVE, faces=CLI),
        replace(ALIGN, faces=CLI),
        replace(HORIZON, faces=CLI),
        RULES, FACTORS,
        Param("params", "table", Text("Søgeparametre", "Search parameters"),
              Text("Søgeparametre CSV.", "Candidate-search parameters CSV."),
              default=None, faces=CLI),
    ),
    outputs=(
        Output("candidates", "vector", Text("Kandidatarealer", "Candidate areas"),
               Text("GeoJSON (EPSG:4326), rangeret.", "GeoJSON FeatureCollection "
                                                       "(EPSG:4326), ranked.")),
        Output("table", "table", Text("Tabel", "Table"),
               Text("candidate_id, rank, area_ha, wet_nature_nearby_ha, on_wet_nature_ha",
                    "candidate_id, rank, area_ha, wet_nature_nearby_ha, on_wet_nature_ha"),
               {"type": "array"}),
        method_output(Text("Metode, vejledende mærkning, antagelser, totaler.",
                           "Method, indicative label (Danish/English), assumptions, totals.")),
    ),
    run=find_candidates,
    command=("lowland", "candidates"),
    rest=None,
    keywords=("lowland", "lavbund", "klimaskovfonden", "peat", "candidates"),
)

AUCTION = ModelSpec(
    id="lowland-auction",
    title=Text("Lavbund: ansøgningsrunde (auktion)", "Lowland funding round (auction)"),
    about=Text("Bud rangeret efter kr./ha, synergikrav, 5 %-reglen og marginalt bud.",
               "Bids ranked by DKK/ha, synergy gate, the 5 % rule and the marginal bid."),
    inputs=(
        Param("bids", "table", Text("Bud", "Bids"),
              Text("CSV (fx output fra lowland screen med budfelter) eller en vektorfil; "
                   "kolonner area_ha, bid_dkk_per_ha, total_bid_dkk, synergy_points.",
                   "CSV (e.g. lowland screen output with bid fields) or a vector file; "
                   "columns area_ha, bid_dkk_per_ha, total_bid_dkk, synergy_points."),
              columns=("area_ha", "bid_dkk_per_ha", "total_bid_dkk", "synergy_points"),
              faces=CLI),
        Param("id_field", "field", Text("Id-kolonne", "Id column"),
              Text("Id-kolonne.", "Id column."), default="parcel_id", of="bids", faces=CLI),
        Param("budget", "number", Text("Budget", "Budget"),
              Text("Rundens budget i kr. (valgfrit).", "The round's budget, DKK (optional)."),
              default=None, unit="DKK", exclusive_minimum=0, faces=CLI),
        replace(HORIZON, faces=CLI),
        RULES,
        Param("out", "output", Text("Resultat", "Result"), Text(".csv eller .json",
                                                                ".csv or .json"),
              default=None, faces=CLI, suffixes=(".csv", ".json")),
    ),
    outputs=(Output("table", "table", Text("Afgørelser", "Decisions"),
                    Text("Én række pr. bud med afgørelse og begrundelse.",
                         "One row per bid with decision and reason.")),),
    run=run_auction,
    process=False,
    command=("lowland", "auction"),
    keywords=("lowland", "auction"),
)

REPORT = ModelSpec(
    id="lowland-report",
    title=Text("Lavbund: ansøgningsmateriale", "Lowland application pack"),
    about=Text("Ansøgningsmateriale (HTML/PDF) pr. parcel: kriterier, CO2, budget, kort.",
               "Application pack (HTML/PDF) per parcel: criteria, CO2, budget, map."),
    inputs=(PARCELS, PARCEL_ID,
            Param("ids", "text", Text("Parcel-id", "Parcel id"),
                  Text("Parcel-id; gentag for flere.", "Parcel id; repeat for several."),
                  multiple=True, flag="--id"),
            CARBON, WATER_TABLE, PEAT_DEPTH,
            Param("out", "output", Text("Rapport", "Report"), Text(".html eller .pdf",
                                                                   ".html or .pdf"),
                  faces=CLI, suffixes=(".html", ".pdf")),
            ROTATION, *APPLICATION_FIELDS, POSITIVE, ALIGN, HORIZON, RULES, FACTORS),
    outputs=(Output("report", "document", Text("Rapport", "Report"),
                    Text("HTML eller PDF.", "HTML or PDF.")),),
    run=screen,
    process=False,
    command=("lowland", "report"),
    keywords=("lowland", "report"),
)

SPECS: tuple[ModelSpec, ...] = (SCREEN, CANDIDATES, AUCTION, REPORT)
