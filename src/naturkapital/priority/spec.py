"""The spec of ``priority-allocate``: a least-cost plan that meets hectare targets.

Each input is declared here once; the command line, the OGC process, the web form and
``docs/reference.md`` are generated from it.
"""

from __future__ import annotations

from naturkapital.core.spec import CLI, ModelSpec, Output, Param, Text
from naturkapital.io.output import TABLE_SUFFIXES
from naturkapital.priority.compute import plan_allocation


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
        Param("kommune", "text", Text("Kommunekode", "Municipality code"),
              Text("Indlejret kommunekode, fx 766 Hedensted.",
                   "Embedded municipality code, e.g. 766 Hedensted."),
              pattern=r"^[0-9]{1,4}$"),
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
        Param("time_limit", "number", Text("Tidsgrænse", "Time limit"),
              Text("Løserens tidsgrænse i sekunder.", "Solver time limit, seconds."),
              default=60.0, unit="s", minimum=1, maximum=600),
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
        Output("meta", "object", Text("Metode", "Method"),
               Text("Løserstatus, gab, omkostning mod grådig, antagelser.",
                    "Solver status, gap, cost vs greedy, assumptions.")),
    ),
    run=plan_allocation,
    command=("priority", "allocate"),
    keywords=("priority", "allocation", "tripartite", "trepart", "forest", "lowland"),
)

SPECS: tuple[ModelSpec, ...] = (ALLOCATE,)
