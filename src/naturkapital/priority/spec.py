"""The spec of ``priority-allocate``: a least-cost plan that meets hectare targets.

Each input is declared here once; the command line, the OGC process, the web form and
``docs/reference.md`` are generated from it.
"""

from __future__ import annotations

from naturkapital.core.spec import (
    CLI,
    ModelSpec,
    Output,
    Param,
    Text,
    kommune_param,
    method_output,
    time_limit_param,
)
from naturkapital.io.output import TABLE_SUFFIXES
from naturkapital.priority.compute import plan_allocation
from naturkapital.priority.network import build_network
from naturkapital.priority.plan import plan_kommune
from naturkapital.priority.rank import rank_kommune


def _target(name: str, da: str, en: str) -> Param:
    return Param(name, "number", Text(f"Mål: {da}", f"Target: {en}"),
                 Text(f"Hektar {da.lower()} der skal etableres (0: intet mål).",
                      f"Hectares of {en.lower()} to create (0: no target)."),
                 default=0.0, unit="ha", minimum=0, maximum=1_000_000)


ALLOCATE = ModelSpec(
    id="priority-allocate",
    title=Text("Hvor skal vi handle: arealmål til mindst mulig pris",
               "Where to act: area targets at least cost"),
    about=Text("Planlægningsenheder (kvadratnet) over en kommune på Basemap04 2021; "
               "landbrugsjord omlagt til skov, urørt skov, våd eller tør natur, så "
               "hektarmålene nås til mindst mulig pris (heltalsprogram, HiGHS), med "
               "optimalitetsgab og en grådig sammenligning. Planen er en scenariefil.",
               "Planning units (a square grid) over a municipality on Basemap04 2021; "
               "farmland converted to forest, untouched forest, wet or dry nature so that "
               "the hectare targets are met at least cost (integer program, HiGHS), with "
               "the optimality gap and a greedy baseline beside it. The plan is a scenario "
               "file for scenario evaluate."),
    inputs=(
        kommune_param(Text("Indlejret kommunekode, fx 766 Hedensted.",
                           "Embedded municipality code, e.g. 766 Hedensted.")),
        _target("forest_ha", "Skov", "Forest"),
        _target("untouched_forest_ha", "Urørt skov", "Untouched forest"),
        _target("wet_nature_ha", "Våd natur", "Wet nature"),
        _target("dry_nature_ha", "Tør natur", "Dry nature"),
        Param("unit_size_m", "number", Text("Enhedsstørrelse", "Unit size"),
              Text("Sidelængde af planlægningsenhederne i meter.",
                   "Side of the square planning units, metres."),
              default=500.0, unit="m", minimum=100, maximum=5_000),
        Param("budget", "number", Text("Budget", "Budget"),
              Text("Højeste samlede omkostning i kr. (valgfrit).",
                   "Highest total cost, DKK (optional)."),
              default=None, unit="DKK", exclusive_minimum=0),
        time_limit_param("Solver time limit, seconds.", minimum=1),
        Param("boundary_penalty", "number", Text("Randstraf", "Boundary penalty"),
              Text("Kr. pr. meter af planens ydre kant i målfunktionen, ikke i omkostningen "
                   "(0: ingen); giver samlede planer.",
                   "DKK per metre of the plan's outer edge in the objective, not in the cost "
                   "(0: none); gives compact plans."),
              default=0.0, unit="DKK/m", minimum=0, maximum=1_000_000),
        Param("staged", "flag", Text("Brandmandens rækkefølge", "Fireman's order"),
              Text("Brug først landbrug der buffer/forbinder natur, derefter ny natur.",
                   "Use farmland that buffers/connects nature first, then new nature."),
              default=False),
        Param("maximise_eca", "flag", Text("Maksimér ECA", "Maximise ECA"),
              Text("Brug budgettet på størst ECA-gevinst (målene er så minimum).",
                   "Spend the budget on the largest ECA gain (targets are then minimums)."),
              default=False),
        Param("lock_in", "text", Text("Låst ind", "Locked in"),
              Text("Enhed der skal omlægges (unit_id, fx r12c7); gentag for flere.",
                   "Unit that must be converted (unit_id, e.g. r12c7); repeat for several."),
              default=None, faces=CLI, multiple=True),
        Param("lock_out", "text", Text("Låst ude", "Locked out"),
              Text("Enhed der ikke må omlægges; gentag for flere.",
                   "Unit that must not be converted; repeat for several."),
              default=None, faces=CLI, multiple=True),
        Param("convertible", "text", Text("Omlægbare arealtyper", "Convertible land types"),
              Text("Arealtype der må omlægges (standard: mark); gentag for flere.",
                   "Land type that may be converted (default: mark, farmland); repeat for "
                   "several."), default=None, faces=CLI, multiple=True),
        Param("costs", "table", Text("Omkostningstabel", "Cost table"),
              Text("Omkostninger pr. omlægning CSV (standard: Grøn trepart 2024).",
                   "Cost per conversion CSV (default: Green Tripartite 2024)."),
              default=None, faces=CLI,
              columns=("conversion", "label", "to_class", "item", "value", "unit", "source")),
        Param("out", "output", Text("Plan", "Plan"),
              Text("Planen: .gpkg (scenariefil til scenario evaluate), .csv eller .json.",
                   "The plan: .gpkg (a scenario file for scenario evaluate), .csv or .json."),
              default=None, faces=CLI, suffixes=TABLE_SUFFIXES),
    ),
    outputs=(
        Output("plan", "vector", Text("Plan", "Plan"),
               Text("GeoJSON (EPSG:4326): omlagte arealer med to_class.",
                    "GeoJSON (EPSG:4326): converted areas with to_class (a scenario).")),
        Output("summary", "table", Text("Opsummering", "Summary"),
               Text("Pr. omlægning: mål, tildelt ha, omkostning, grådig ha og omkostning.",
                    "Per conversion: target, allocated ha, cost, greedy ha and cost."),
               {"type": "array", "items": {"type": "object"}}),
        method_output(Text("Løserstatus, gab, omkostning mod grådig, antagelser.",
                           "Solver status, gap, cost vs greedy, assumptions.")),
    ),
    run=plan_allocation,
    command=("priority", "allocate"),
    keywords=("priority", "allocation", "tripartite", "trepart", "forest", "lowland"),
)

KOMMUNE = ALLOCATE.param("kommune")

NETWORK = ModelSpec(
    id="priority-network",
    title=Text("Økologisk netværk: naturområder, forbindelser og korridorer",
               "Ecological network: patches, links and corridors"),
    about=Text("Naturområder (skov, tør og våd natur, søer; Basemap04 2021 og 50 m-kortet "
               "over tør/våd natur) i en kommune, mindste-omkostningsafstande over en "
               "modstandsflade, Probability of Connectivity og Equivalent Connected Area pr. "
               "spredningsafstand, dPC pr. område (intra/flux/connector) og korridorer.",
               "Nature patches (forest, dry and wet nature, lakes; Basemap04 2021 and the "
               "50 m dry/wet nature map) in a municipality, least-cost distances over a "
               "resistance surface, Probability of Connectivity and Equivalent Connected "
               "Area per dispersal distance, dPC per patch (intra/flux/connector) and "
               "least-cost corridors."),
    inputs=(
        KOMMUNE,
        Param("distance", "number", Text("Spredningsafstand", "Dispersal distance"),
              Text("Afstand (effektive meter) hvor spredningssandsynligheden er p; gentag "
                   "for flere.",
                   "Distance (effective metres) at which the dispersal probability is p; "
                   "repeat for several."),
              default=None, unit="m", exclusive_minimum=0, maximum=100_000, multiple=True),
        Param("min_patch_ha", "number", Text("Mindste område", "Smallest patch"),
              Text("Mindste naturområde der regnes som knude.",
                   "Smallest nature patch counted as a node."),
              default=1.0, unit="ha", minimum=0, maximum=10_000),
        Param("p_at_distance", "number", Text("Sandsynlighed ved afstanden",
                                              "Probability at the distance"),
              Text("Spredningssandsynlighed ved spredningsafstanden (0,5 median, 0,05 "
                   "maksimum).",
                   "Dispersal probability at the dispersal distance (0.5 median, 0.05 "
                   "maximum)."),
              default=0.5, exclusive_minimum=0, maximum=0.999),
        Param("resistance", "table", Text("Modstandstabel", "Resistance table"),
              Text("Modstand pr. arealklasse CSV (standard: indlejret, med kilder).",
                   "Resistance per land-cover class CSV (default: embedded, with sources)."),
              default=None, faces=CLI, columns=("value", "label", "resistance", "source")),
        Param("out", "output", Text("Netværk", "Network"),
              Text("GeoPackage med lagene patches, links, corridors og indices.",
                   "GeoPackage with the layers patches, links, corridors and indices."),
              default=None, faces=CLI, suffixes=(".gpkg",)),
        Param("map", "output", Text("Kort", "Map"),
              Text("Kort over netværket (PNG).", "Map of the network (PNG)."),
              default=None, faces=CLI, suffixes=(".png",)),
        Param("corridor_raster", "output", Text("Korridorraster", "Corridor raster"),
              Text("Korridorer pr. celle (GeoTIFF).", "Corridors per cell (GeoTIFF)."),
              default=None, faces=CLI, suffixes=(".tif",)),
    ),
    outputs=(
        Output("indices", "table", Text("Indeks", "Indices"),
               Text("PC og ECA pr. spredningsafstand.", "PC and ECA per dispersal distance."),
               {"type": "array", "items": {"type": "object"}}),
        Output("patches", "vector", Text("Naturområder", "Patches"),
               Text("Områder med areal, habitat-ha og dPC-fraktioner.",
                    "Patches with area, habitat ha and dPC fractions.")),
        Output("corridors", "vector", Text("Korridorer", "Corridors"),
               Text("Mindste-omkostningskorridorer.", "Least-cost corridors.")),
        Output("meta", "object", Text("Metode", "Method"),
               Text("Metode, modstandstabel, antagelser.",
                    "Method, resistance table, assumptions.")),
    ),
    run=build_network,
    command=("priority", "network"),
    keywords=("connectivity", "ECA", "PC", "corridor", "korridor", "netværk"),
)

RANK = ModelSpec(
    id="priority-rank",
    title=Text("Brandmandens regel: beskyt, forbind, skab", "The fireman's rule: protect, "
               "connect, create"),
    about=Text("Hver planlægningsenhed får klasse 1 beskyt (værdifuld natur; markeret hvis "
               "ubeskyttet), 2 buffer/forbind (landbrug nær natur eller på en korridor, med "
               "ECA-gevinst) eller 3 ny natur, med synergier (kulstof, kvælstof, NKI) og en "
               "rangordning af kandidaterne.",
               "Every planning unit gets class 1 protect (valuable nature; flagged when "
               "unprotected), 2 buffer/connect (farmland near nature or on a corridor, with "
               "its ECA gain) or 3 new nature, with synergies (carbon, nitrogen, NKI) and a "
               "ranking of the candidates."),
    inputs=(
        KOMMUNE,
        Param("distance", "number", Text("Spredningsafstand", "Dispersal distance"),
              Text("Spredningsafstand for netværket (effektive meter).",
                   "Dispersal distance of the network (effective metres)."),
              default=1000.0, unit="m", exclusive_minimum=0, maximum=100_000),
        ALLOCATE.param("unit_size_m"),
        Param("buffer_m", "number", Text("Bufferzone", "Buffer"),
              Text("Landbrug inden for denne afstand af natur er klasse 2.",
                   "Farmland within this distance of nature is class 2."),
              default=200.0, unit="m", minimum=0, maximum=5_000, flag="--buffer"),
        Param("parcels", "vector", Text("Matrikler", "Parcels"),
              Text("Egne planlægningsenheder (polygoner, valgfri kolonne unit_id) i stedet "
                   "for kvadratnettet.",
                   "Own planning units (polygons, optional column unit_id) instead of the "
                   "grid."), default=None, faces=CLI, geometry="polygon"),
        Param("protection", "vector", Text("Beskyttet natur", "Protected nature"),
              Text("Beskyttelseslag (fx §3, Natura 2000); klasse 1 uden for markeres.",
                   "Protection layer (e.g. §3, Natura 2000); class 1 outside it is flagged."),
              default=None, faces=CLI, geometry="polygon"),
        NETWORK.param("min_patch_ha"),
        Param("out", "output", Text("Kandidater", "Candidates"),
              Text("Rangordnede enheder: .gpkg, .csv eller .json.",
                   "Ranked units: .gpkg, .csv or .json."),
              default=None, faces=CLI, suffixes=TABLE_SUFFIXES),
        Param("map", "output", Text("Prioritetskort", "Priority map"),
              Text("Kort over klasserne (PNG).", "Map of the classes (PNG)."),
              default=None, faces=CLI, suffixes=(".png",)),
    ),
    outputs=(
        Output("units", "vector", Text("Enheder", "Units"),
               Text("Klasse, kriterier og rang pr. enhed.",
                    "Class, criteria and rank per unit.")),
        Output("meta", "object", Text("Metode", "Method"),
               Text("Metode, klasser, ECA, antagelser.",
                    "Method, classes, ECA, assumptions.")),
    ),
    run=rank_kommune,
    command=("priority", "rank"),
    keywords=("fireman", "brandmand", "protect", "connect", "priority"),
)

PLAN = ModelSpec(
    id="priority-plan",
    title=Text("Hvor skal vi handle: prioritetskort, korridorer og plan i én kommando",
               "Where to act: priority map, corridors and plan in one command"),
    about=Text("Bygger det økologiske netværk, rangordner planlægningsenhederne efter "
               "brandmandens regel, fordeler hektarmålene til mindst mulig pris og "
               "vurderer planen med scenariemodellen (kulstof, kvælstof, NKI, omkostning). "
               "Skriver kort, korridorer, plan (scenariefil), opsummering og rapport.",
               "Builds the ecological network, ranks the planning units by the fireman's "
               "rule, allocates the hectare targets at least cost and evaluates the plan "
               "with the scenario model (carbon, nitrogen, NKI, cost). Writes the map, "
               "corridors, the plan (a scenario file), the summary and a report."),
    inputs=(
        KOMMUNE,
        ALLOCATE.param("forest_ha"),
        ALLOCATE.param("untouched_forest_ha"),
        ALLOCATE.param("wet_nature_ha"),
        ALLOCATE.param("dry_nature_ha"),
        ALLOCATE.param("unit_size_m"),
        RANK.param("distance"),
        RANK.param("buffer_m"),
        NETWORK.param("min_patch_ha"),
        ALLOCATE.param("budget"),
        ALLOCATE.param("time_limit"),
        ALLOCATE.param("staged"),
        ALLOCATE.param("boundary_penalty"),
        Param("min_unit_share", "number", Text("Mindste andel", "Smallest share"),
              Text("Kun enheder hvor mindst denne andel af arealet kan omlægges er kandidater "
                   "(hele blokke landbrugsjord frem for stumper); lempes hvis målene ellers "
                   "ikke kan nås.",
                   "Only units with at least this share of their area convertible are "
                   "candidates (whole blocks of farmland rather than scraps); relaxed when "
                   "the targets cannot be met otherwise."),
              default=0.5, minimum=0, maximum=1),
        Param("out", "output", Text("Resultatmappe", "Output folder"),
              Text("Mappe til prioritetskort (PNG), korridorer (.gpkg, .tif), kandidater, "
                   "plan (.gpkg, scenariefil), opsummering (.csv) og rapport (HTML, PDF).",
                   "Folder for the priority map (PNG), corridors (.gpkg, .tif), candidates, "
                   "the plan (.gpkg, a scenario file), the summary (.csv) and the report "
                   "(HTML, PDF)."),
              default=None, faces=CLI),
    ),
    outputs=(
        ALLOCATE.outputs[0],
        Output("summary", "table", Text("Opsummering", "Summary"),
               Text("Pr. omlægning: ha, omkostning, CO2, N, ECA-gevinst, NKI-ændring.",
                    "Per conversion: ha, cost, CO2, N, ECA gain, NKI change."),
               {"type": "array", "items": {"type": "object"}}),
        Output("corridors", "vector", Text("Korridorer", "Corridors"),
               Text("Mindste-omkostningskorridorer (GeoJSON, EPSG:4326).",
                    "Least-cost corridors (GeoJSON, EPSG:4326).")),
        ALLOCATE.outputs[2],
    ),
    run=plan_kommune,
    command=("priority", "plan"),
    keywords=("priority", "plan", "fireman", "corridor", "tripartite", "trepart"),
)

SPECS: tuple[ModelSpec, ...] = (ALLOCATE, NETWORK, RANK, PLAN)
