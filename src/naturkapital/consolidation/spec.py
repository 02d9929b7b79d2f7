"""The spec of the land-consolidation model (``consolidate``): every input declared
once; the command line, the OGC process and ``docs/reference.md`` come from it."""

from __future__ import annotations

from naturkapital.consolidation.compute import TARGET_USES, consolidate
from naturkapital.consolidation.demo import DEMOS
from naturkapital.core.spec import (
    CLI,
    ModelSpec,
    Output,
    Param,
    Text,
    method_output,
    time_limit_param,
)
from naturkapital.io.output import TABLE_SUFFIXES

CONSOLIDATE = ModelSpec(
    id="consolidate",
    title=Text("Multifunktionel jordfordeling: mageskifteplan",
               "Multifunctional land consolidation: swap plan"),
    about=Text("Lodsejere bytter og sælger jord, så projektet (våd natur, skov, tør natur, "
               "grundvandsbeskyttelse) får sit areal, og hver ejer beholder sin værdi inden "
               "for tolerancen; heltalsprogram (HiGHS) mod afstand til gården, antal "
               "flyttede parceller og kontant udligning, med en grådig sammenligning.",
               "Owners swap and sell land so that the project (wet nature, forest, dry "
               "nature, groundwater protection) gets its area and every owner keeps the "
               "value of their holding within the tolerance; an integer program (HiGHS) "
               "minimising distance to the farm, parcels that change hands and cash, with "
               "a greedy baseline beside it."),
    inputs=(
        Param("parcels", "vector", Text("Parceller", "Parcels"),
              Text("Matrikler/marker som polygoner med id, ejer og værdi (kr./ha) eller "
                   "bonitet (JB-nr.).",
                   "Parcel polygons with id, owner and value (DKK/ha) or a soil-quality "
                   "class (JB number)."), default=None, geometry="polygon"),
        Param("farms", "vector", Text("Gårde", "Farms"),
              Text("Ejernes gårde som punkter med ejer-id.",
                   "The owners' farms as points with the owner id."), default=None,
              geometry="point"),
        Param("project", "vector", Text("Projektområde", "Project area"),
              Text("Projektområdet som polygoner (valgfrit felt target_use).",
                   "The project area as polygons (optional field target_use)."),
              default=None, geometry="polygon"),
        Param("demo", "choice", Text("Demo", "Demo"),
              Text("Indbygget demo i stedet for egne filer: endelave (konstrueret til "
                   "demoen: ægte omrids og arealdække, konstruerede ejere og værdier).",
                   "Embedded demo instead of your own files: endelave (constructed for the "
                   "demo: real outline and land cover, constructed owners and values)."),
              default=None, choices=DEMOS),
        Param("land_bank", "vector", Text("Jordbank", "Land bank"),
              Text("Parceller til salg (kommunal/statslig jord), samme id- og værdifelt.",
                   "Parcels for sale (municipal or state land), same id and value fields."),
              default=None, geometry="polygon"),
        Param("id_field", "field", Text("Id-felt", "Id field"),
              Text("Felt med parcel-id.", "Field with the parcel id."), default="parcel_id",
              of="parcels", max_length=255),
        Param("owner_field", "field", Text("Ejerfelt", "Owner field"),
              Text("Felt med ejer-id.", "Field with the owner id."), default="owner",
              of="parcels", max_length=255),
        Param("value_field", "field", Text("Værdifelt", "Value field"),
              Text("Felt med jordværdi i kr./ha.", "Field with the land value, DKK/ha."),
              default=None, of="parcels", max_length=255),
        Param("soil_field", "field", Text("Bonitetsfelt", "Soil class field"),
              Text("Felt med bonitet (JB1–JB12), omregnet med værditabellen.",
                   "Field with the soil-quality class (JB1–JB12), converted by the value "
                   "table."), default=None, of="parcels", max_length=255),
        Param("farm_owner_field", "field", Text("Gårdens ejerfelt", "Farm owner field"),
              Text("Felt i gårdfilen med ejer-id.", "Field of the farms with the owner id."),
              default="owner", of="farms", max_length=255),
        Param("target_use", "choice", Text("Målarealanvendelse", "Target use"),
              Text("Projektets arealanvendelse (når projektområdet ikke har target_use).",
                   "The project's land use (where the project area has no target_use)."),
              default="wet_nature", choices=TARGET_USES),
        Param("tolerance", "number", Text("Værditolerance", "Value tolerance"),
              Text("Hver ejers jord skal have værdien af den oprindelige ejendom ± "
                   "tolerancen (andel, 0.05 = ±5 %).",
                   "Each owner's land must be worth the original holding ± the tolerance "
                   "(share, 0.05 = ±5 %)."), default=0.05, unit="share", minimum=0,
              maximum=1),
        Param("sellers", "text", Text("Sælgere", "Sellers"),
              Text("Ejere der kun sælger (kommasepareret).",
                   "Owners who only sell (comma-separated)."), default=None,
              max_length=10_000),
        Param("fixed", "text", Text("Faste parceller", "Fixed parcels"),
              Text("Parceller der ikke må flytte (kommasepareret).",
                   "Parcels that must not move (comma-separated)."), default=None,
              max_length=100_000),
        Param("max_cash", "number", Text("Maks. kontant udligning", "Max cash settlement"),
              Text("Højeste samlede kontante udligning, kr. (standard: ingen grænse ud "
                   "over tolerancen).",
                   "Largest total cash settlement, DKK (default: no limit beyond the "
                   "tolerance)."), default=None, unit="DKK", minimum=0),
        Param("weight_distance", "number", Text("Vægt: afstand", "Weight: distance"),
              Text("Vægt pr. ha·km fra parcel til ejerens gård.",
                   "Weight per ha·km from a parcel to its owner's farm."), default=1.0,
              minimum=0, maximum=1e6),
        Param("weight_move", "number", Text("Vægt: flytninger", "Weight: moves"),
              Text("Vægt pr. parcel der skifter ejer.",
                   "Weight per parcel that changes hands."), default=0.5, minimum=0,
              maximum=1e6),
        Param("weight_cash", "number", Text("Vægt: kontanter", "Weight: cash"),
              Text("Vægt pr. 100 000 kr. kontant udligning.",
                   "Weight per 100 000 DKK of cash settlement."), default=1.0, minimum=0,
              maximum=1e6),
        time_limit_param(exclusive_minimum=0),
        Param("value_table", "table", Text("Værditabel", "Value table"),
              Text("CSV soil_class,value_dkk_per_ha,source (standard: indbygget, "
                   "antagelser).",
                   "CSV soil_class,value_dkk_per_ha,source (default: embedded, "
                   "assumptions)."), default=None, faces=CLI,
              columns=("soil_class", "value_dkk_per_ha", "source")),
        Param("out", "output", Text("Balance", "Balance sheet"),
              Text("Balance pr. ejer: .csv, .json eller .gpkg.",
                   "Balance sheet per owner: .csv, .json or .gpkg."), default=None,
              faces=CLI, suffixes=TABLE_SUFFIXES),
        Param("swaps", "output", Text("Byttelist", "Swap list"),
              Text("Byttelisten (parcel, fra, til): .csv, .json eller .gpkg.",
                   "The swap list (parcel, from, to): .csv, .json or .gpkg."),
              default=None, faces=CLI, suffixes=TABLE_SUFFIXES),
        Param("plan", "output", Text("Scenariefil", "Scenario file"),
              Text("Planen som scenarie-GeoPackage (to_class) til scenario evaluate.",
                   "The plan as a scenario GeoPackage (to_class) for scenario evaluate."),
              default=None, faces=CLI, suffixes=(".gpkg",)),
        Param("map", "output", Text("Kort", "Map"),
              Text("Ejerskab før og efter planen som PNG.",
                   "Ownership before and after the plan as PNG."), default=None, faces=CLI,
              suffixes=(".png",)),
        Param("report", "output", Text("Rapport", "Report"),
              Text("Rapport til lodsejermødet: .html eller .pdf.",
                   "Report for the landowner meeting: .html or .pdf."), default=None,
              faces=CLI, suffixes=(".html", ".pdf")),
    ),
    outputs=(
        Output("swaps", "table", Text("Byttelist", "Swap list"),
               Text("parcel_id, from_owner, to_owner, area_ha, value_dkk",
                    "parcel_id, from_owner, to_owner, area_ha, value_dkk"),
               {"type": "array", "items": {"type": "object"}}),
        Output("balance", "table", Text("Balance pr. ejer", "Balance sheet per owner"),
               Text("ha, værdi, parceller, marker, gennemsnitlig afstand til gården før/"
                    "efter, kontant udligning.",
                    "ha, value, parcels, fields, mean distance to the farm before/after, "
                    "cash."), {"type": "array", "items": {"type": "object"}}),
        Output("scenario", "vector", Text("Scenarie", "Scenario"),
               Text("Projektparceller (GeoJSON, EPSG:4326) med to_class.",
                    "Project parcels (GeoJSON, EPSG:4326) with to_class.")),
        Output("parcels", "vector", Text("Parceller før og efter", "Parcels before and after"),
               Text("Alle parceller (GeoJSON, EPSG:4326): ejer før (owner) og efter (to), "
                    "areal, værdi, i projektet.",
                    "Every parcel (GeoJSON, EPSG:4326): owner before (owner) and after (to), "
                    "area, value, in the project.")),
        Output("project_area", "vector", Text("Projektområde", "Project area"),
               Text("Projektområdet som givet (GeoJSON, EPSG:4326).",
                    "The project area as given (GeoJSON, EPSG:4326).")),
        Output("farms", "vector", Text("Gårde", "Farms"),
               Text("Hver ejers gård (punkter, GeoJSON, EPSG:4326).",
                    "Each owner's farm (points, GeoJSON, EPSG:4326).")),
        Output("summary", "object", Text("Resumé", "Summary"),
               Text("Projektets stykker, største stykke og ECA (sammenhængende areal), "
                    "mål, MIP-gap, grådig sammenligning.",
                    "The project's pieces, largest piece and ECA (equivalent connected "
                    "area), objective, MIP gap, greedy baseline.")),
        method_output(Text("Metode, vægte, antagelser.", "Method, weights, assumptions.")),
    ),
    run=consolidate,
    command=("consolidate",),
    rest=None,
    keywords=("consolidation", "jordfordeling", "land swap", "BioScape", "milp"),
)

SPECS: tuple[ModelSpec, ...] = (CONSOLIDATE,)
