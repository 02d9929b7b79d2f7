"""The spec of the ``scenario-evaluate`` model (land-conversion scenarios, five services
and the NKI, baseline and scenario per zone).

Each input is declared here once; the command line, the OGC process, the REST route,
the web form and ``docs/reference.md`` are generated from it. ``scenario report`` (the
HTML/PDF report) is the same inputs plus the report's own options
(:data:`REPORT_INPUTS`).
"""

from __future__ import annotations

from naturkapital.core.spec import CLI, ModelSpec, Output, Param, Text, method_output
from naturkapital.io.output import TABLE_SUFFIXES
from naturkapital.nki.spec import ID_FIELD, LANDCOVER, NAME_FIELD, SCHEME, YEAR, ZONES
from naturkapital.scenario.evaluate import evaluate_scenario
from naturkapital.scenario.read import DEMOS
from naturkapital.services.tables import SOILS

SCENARIO = Param(
    "scenario", "vector", Text("Scenarie", "Scenario"),
    Text("Omlægningspolygoner (GeoPackage, GeoJSON) med feltet to_class (Basemap04-kode, "
         "fx 11 våd natur, 8 skov) og evt. name, oc_pct, gvsmax_cm, peat_depth_cm; eller en "
         "demo: " + ", ".join(f"demo:{k}" for k in DEMOS) + ".",
         "Conversion polygons (GeoPackage, GeoJSON) with field to_class (Basemap04 class "
         "code, e.g. 11 wet nature, 8 forest) and optionally name, oc_pct, gvsmax_cm, "
         "peat_depth_cm; or an embedded demo: " + ", ".join(f"demo:{k}" for k in DEMOS)
         + "."),
    geometry="polygon", choices=tuple(f"demo:{k}" for k in DEMOS))

SCENARIO_ZONES = Param(
    ZONES.name, "vector", ZONES.label,
    Text("Zonepolygoner. Standard: de indlejrede kommuner, som scenariet berører.",
         "Zone polygons. Default: the embedded municipalities the scenario touches."),
    default=None, geometry="polygon")

SERVICE_INPUTS: tuple[Param, ...] = (
    Param("carbon_pools", "table", Text("Kulstofpuljer", "Carbon pools"),
          Text("CSV: value,c_above,c_below,c_soil,c_dead i t C/ha (InVEST Carbon) plus "
               "low,high (spænd for puljernes sum) og source.",
               "CSV: value,c_above,c_below,c_soil,c_dead in t C/ha (InVEST Carbon) plus "
               "low,high (range of the pool total) and source."),
          default=None, faces=CLI,
          columns=("value", "c_above", "c_below", "c_soil", "c_dead", "low", "high",
                   "source")),
    Param("carbon", "raster", Text("Kulstofkort", "Organic carbon"),
          Text("Organisk kulstof % (Kulstof 2022); uden det eller feltet oc_pct beregnes "
               "drivhusgas ikke.",
               "Organic carbon % raster (Kulstof 2022); without it or an oc_pct field the "
               "GHG indicator is not computed."),
          default=None, unit="% OC", projected=True),
    Param("water_table", "raster", Text("Vandstand (GVSmax)", "Water table (GVSmax)"),
          Text("Vandstand før, cm ift. terræn (negativ under); med tørvedybde.",
               "Water table before, cm relative to the surface (negative below); with "
               "peat depth."),
          default=None, faces=CLI, unit="cm", projected=True),
    Param("peat_depth", "raster", Text("Tørvedybde", "Peat depth"),
          Text("Tørvedybde i cm; med vandstand.", "Peat depth raster, cm; with water "
                                                   "table."),
          default=None, faces=CLI, unit="cm", projected=True),
    Param("groundwater", "vector", Text("Grundvandsbeskyttelse", "Groundwater protection"),
          Text("Polygoner med grundvandsbeskyttelse (fx drikkevandsområder, BNBO).",
               "Groundwater-protection polygons (e.g. drinking-water areas, BNBO)."),
          default=None, geometry="polygon"),
    Param("soil", "choice", Text("Jordtype (kvælstof)", "Soil (nitrogen)"),
          Text("Kvælstofudvaskning fra mark: national (landsgennemsnit), sand (sandjord, "
               "vest) eller clay (lerjord, øst).",
               "Nitrogen leaching of fields: national (national mean), sand (sandy soils, "
               "west) or clay (loamy soils, east)."),
          default="national", choices=SOILS),
)

EVALUATE = ModelSpec(
    id="scenario-evaluate",
    title=Text("Scenarie: økosystemtjenester og NKI", "Land-conversion scenario"),
    about=Text(
        "Kulstoflager (InVEST Carbon), drivhusgas fra organisk jord (SEGES), kvælstof, "
        "grundvand, oversvømmelse, NKI og NKI natur pr. zone, før og efter, med "
        "lavbundstjek og budget. Koefficienter uden publiceret kilde er markeret som "
        "antagelser.",
        "Carbon stock (InVEST Carbon formula), greenhouse gases from organic soils (SEGES), "
        "nitrogen leaching and removal, groundwater protection, flood mitigation, NKI and "
        "NKI natur per zone, baseline and scenario, with the lowland (Klimaskovfonden) "
        "check and budget of rewetting conversions. Coefficients without a published "
        "source are flagged as assumptions."),
    inputs=(SCENARIO, LANDCOVER, YEAR, SCHEME, *SERVICE_INPUTS[:1], SCENARIO_ZONES, ID_FIELD,
            NAME_FIELD, *SERVICE_INPUTS[1:],
            Param("out", "output", Text("Resultat", "Result"),
                  Text("Resultat: .csv, .json eller .gpkg (lang tabel zone_id, indicator, "
                       "unit, baseline, scenario, delta, source, …).",
                       "Result: .csv, .json or .gpkg (long table zone_id, indicator, unit, "
                       "baseline, scenario, delta, source, …)."),
                  default=None, faces=CLI, suffixes=TABLE_SUFFIXES),
            Param("sensitivity", "output", Text("Følsomhed", "Sensitivity"),
                  Text("Tornadodiagram (.png) over de koefficienter, der flytter hver "
                       "indikator mest (én ad gangen til lav/høj); tallene skrives ved siden "
                       "af som .csv.",
                       "Tornado chart (.png) of the coefficients that move each indicator "
                       "most (one at a time to low/high); its numbers are written beside it "
                       "as .csv."),
                  default=None, faces=CLI, suffixes=(".png",))),
    outputs=(
        Output("table", "table", Text("Indikatortabel", "Indicator table"),
               Text("Lang tabel: zone_id, indicator, unit, baseline, scenario, delta, "
                    "source, name, label, assumption, note og intervallerne baseline_low, "
                    "baseline_high, scenario_low, scenario_high, delta_low, delta_high; "
                    "total række zone_id 0.",
                    "Long table: zone_id, indicator, unit, baseline, scenario, delta, source, "
                    "name, label, assumption, note and the intervals baseline_low, "
                    "baseline_high, scenario_low, scenario_high, delta_low, delta_high; "
                    "total row zone_id 0."),
               {"type": "array", "items": {"type": "object"}}),
        Output("lowland", "table", Text("Lavbundstjek", "Lowland checks"),
               Text("Berettigelse og budget for hver genvådning.",
                    "Eligibility and budget of each rewetting conversion."),
               {"type": "array"}),
        method_output(Text("Metode, input, antagelser og noter.",
                           "Method, inputs, assumptions and notes.")),
    ),
    run=evaluate_scenario,
    command=("scenario", "evaluate"),
    keywords=("scenario", "scenarie", "ecosystem services", "økosystemtjenester", "nki"),
)

REPORT = ModelSpec(
    id="scenario-report",
    title=Text("Scenarierapport", "Scenario report"),
    about=Text("Rapport (HTML/PDF) med kort, tabel, NKI-diagrammer, lavbund og omkostning.",
               "Report (HTML/PDF) with map, table, NKI diagrams, lowland checks and cost."),
    inputs=(
        SCENARIO,
        Param("out", "output", Text("Rapport", "Report"),
              Text(".html og/eller .pdf (gentag --out for begge).",
                   ".html and/or .pdf (repeat --out for both)."),
              faces=CLI, suffixes=(".html", ".pdf"), multiple=True),
        *[p for p in EVALUATE.inputs[1:] if p.name not in ("out", "sensitivity")],
        Param("zone", "text", Text("Zone", "Zone"),
              Text("Zone til NKI-diagrammerne (standard: zonen med mest omlagt areal).",
                   "Zone of the NKI diagrams (default: the zone with the most converted "
                   "area)."), default=None, faces=CLI),
        Param("table", "output", Text("Tabel", "Table"),
              Text("Skriv også tabellen (.csv, .json, .gpkg) som 'evaluate --out'.",
                   "Also write the table (.csv, .json, .gpkg), as 'evaluate --out'."),
              default=None, faces=CLI, suffixes=TABLE_SUFFIXES),
    ),
    outputs=(Output("report", "document", Text("Rapport", "Report"),
                    Text("HTML eller PDF.", "HTML or PDF.")),),
    run=evaluate_scenario,
    process=False,
    command=("scenario", "report"),
    keywords=("scenario", "report"),
)

SPECS: tuple[ModelSpec, ...] = (EVALUATE, REPORT)
