"""The spec of the urban-nature model (Kunming-Montreal GBF target 12): ``urban``.

Without ``city`` it ranks the zones (default: all municipalities) on coarse 100 m
land-use indicators; with ``city`` it computes the fine indicators per dwelling and
per district of one city from OpenStreetMap. Each input is declared here once; the
command line, the OGC process and ``docs/reference.md`` are generated from it.
"""

from __future__ import annotations

from naturkapital.core.spec import CLI, ModelSpec, Output, Param, Text, method_output
from naturkapital.io.output import TABLE_SUFFIXES
from naturkapital.nki.spec import ID_FIELD, NAME_FIELD, QUIET, TABLE_SCHEMA, TOP, ZONES
from naturkapital.urban.compute import run_urban

URBAN = ModelSpec(
    id="urban",
    title=Text("Bynatur (KM-GBF mål 12)", "Urban nature (KM-GBF target 12)"),
    about=Text(
        "Uden --city: grove indikatorer pr. kommune (eller zone) fra Basemap04 2021 på "
        "100 m — bebygget areal, grønningsprocent, andel af bebyggelsen inden for 300 m "
        "af et naturområde — og ændringen i CORINE 141 (grønne byområder) 1990–2018. "
        "Med --city: afstand ad stier fra hver bolig til nærmeste grønne område, 300 m-"
        "reglen, 3-30-300, lighed (Gini) pr. bydel og hvor nye grønne områder når flest.",
        "Without --city: coarse indicators per municipality (or zone) from Basemap04 2021 "
        "at 100 m — built-up area, greening %, share of built-up land within 300 m of a "
        "nature area — and the change in CORINE 141 (green urban areas) 1990–2018. With "
        "--city: walking distance from every dwelling to the nearest green area, the "
        "300 m rule, 3-30-300, equity (Gini) per district and where new green would reach "
        "the most residents."),
    inputs=(
        ZONES, ID_FIELD, NAME_FIELD,
        Param("rule_m", "number", Text("Afstandsregel", "Distance rule"),
              Text("Største afstand til et naturområde (Fredericias 300 m-regel).",
                   "Largest distance to a nature area (Fredericia's 300 m rule)."),
              default=300.0, unit="m", exclusive_minimum=0, maximum=5000),
        Param("min_nature_ha", "number", Text("Mindste naturområde", "Smallest nature area"),
              Text("Natur-/grønne områder mindre end dette tæller ikke med i afstandsreglen "
                   "(3-30-300: WHO 0,5–1 ha).",
                   "Nature/green areas smaller than this do not count for the distance rule "
                   "(3-30-300: WHO 0.5–1 ha)."),
              default=1.0, unit="ha", minimum=0, maximum=1000),
        Param("fabric_gap_m", "number", Text("Bymæssig sammenhæng", "Urban fabric gap"),
              Text("Grov kørsel: huller op til ca. 2× denne afstand mellem bebyggede celler "
                   "hører til byen (lukning).",
                   "Coarse run: gaps up to about twice this distance between built-up "
                   "cells belong to the urban fabric (morphological closing)."),
              default=200.0, unit="m", minimum=0, maximum=2000),
        Param("min_urban_ha", "number", Text("Mindste byområde", "Smallest urban area"),
              Text("Grov kørsel: sammenhængende byområder mindre end dette er landområde.",
                   "Coarse run: connected urban areas smaller than this count as rural."),
              default=10.0, unit="ha", minimum=0, maximum=10000),
        Param("city", "text", Text("By", "City"),
              Text("demo:kobenhavn (indlejret: København 2011 og Frederiksberg) eller en "
                   "OpenStreetMap .osm.pbf-fil. Uden: de grove nationale indikatorer.",
                   "demo:kobenhavn (embedded: central Copenhagen 2011 and Frederiksberg) or "
                   "an OpenStreetMap .osm.pbf file. Without it: the coarse national "
                   "indicators."),
              default=None, max_length=1000,
              cli_help=Text("demo:kobenhavn, en .osm.pbf-fil eller fetch:osm:denmark:KOMMUNE "
                            "(Geofabrik-udtræk, hentes og skæres til kommunen).",
                            "demo:kobenhavn, an .osm.pbf file, or fetch:osm:denmark:KOMMUNE "
                            "(the Geofabrik extract, fetched and cut to the municipality's "
                            "box).")),
        Param("districts", "vector", Text("Bydele", "Districts"),
              Text("Bydelspolygoner til --city med en .osm.pbf (standard: hele udsnittet).",
                   "District polygons for --city with an .osm.pbf (default: the whole "
                   "extract)."),
              default=None, faces=CLI, geometry="polygon"),
        Param("district_field", "field", Text("Bydelsfelt", "District field"),
              Text("Felt med bydelens navn/id.", "Field that names each district."),
              default=None, faces=CLI, of="districts", max_length=255),
        Param("dwellings", "vector", Text("Boliger", "Dwellings"),
              Text("Boliger (adressepunkter eller bygninger) i stedet for OSM-adresserne; "
                   "stinettet kommer fra OSM-filen.",
                   "Dwellings (address points or buildings) instead of the OSM addresses; "
                   "the walking network comes from the OSM file."),
              default=None, faces=CLI),
        Param("green", "vector", Text("Grønne områder", "Green areas"),
              Text("Offentlige grønne områder (polygoner) i stedet for OSM's.",
                   "Public green areas (polygons) instead of the OSM ones."),
              default=None, faces=CLI, geometry="polygon"),
        Param("canopy", "raster", Text("Trækronekort", "Canopy raster"),
              Text("Trækronekort (celler > 0 = trækrone: 0/1, kronehøjde m eller dække %) i "
                   "stedet for OSM-træer og skovpolygoner i 3-30-300.",
                   "Canopy raster (cells > 0 = canopy: 0/1, canopy height m or cover %) "
                   "instead of OSM trees and wood polygons for 3-30-300."),
              default=None, faces=CLI, projected=True),
        Param("population", "vector", Text("Befolkning", "Population"),
              Text("Polygoner med beboere (fx 100 m-grid eller karréer) til --city; deles "
                   "ligeligt mellem boligerne i hver polygon.",
                   "Polygons with residents (e.g. a 100 m grid or blocks) for --city; shared "
                   "equally among the dwellings in each polygon."),
              default=None, faces=CLI, geometry="polygon"),
        Param("population_field", "field", Text("Beboerfelt", "Residents field"),
              Text("Felt med antal beboere.", "Field with the number of residents."),
              default=None, faces=CLI, of="population", max_length=255),
        Param("sites", "vector", Text("Kandidatsteder", "Candidate sites"),
              Text("Egne kandidatpolygoner til nye grønne områder (standard: OSM-parkering, "
                   "byggepladser, restarealer).",
                   "Your own candidate polygons for new green areas (default: OSM car "
                   "parks, construction sites, brownfield)."),
              default=None, faces=CLI, geometry="polygon"),
        Param("site_cost_field", "field", Text("Omkostningsfelt", "Cost field"),
              Text("Felt med stedets pris i DKK (standard: areal × enhedspris).",
                   "Field with the site's cost in DKK (default: area × unit cost)."),
              default=None, faces=CLI, of="sites", unit="DKK", max_length=255),
        Param("keep_edge", "flag", Text("Behold kantboliger", "Keep edge dwellings"),
              Text("Medtag boliger nærmere udsnittets kant end afstandsreglen (deres nærmeste "
                   "park kan ligge udenfor).",
                   "Keep dwellings closer to the extract's edge than the rule (their nearest "
                   "park may lie outside it)."), default=False),
        Param("budget", "number", Text("Budget", "Budget"),
              Text("Budget til nye grønne områder (valg af steder, HiGHS).",
                   "Budget for new green areas (site choice, HiGHS)."),
              default=50_000_000.0, unit="DKK", minimum=0, maximum=1e12),
        Param("targets", "table", Text("Mål", "Targets"),
              Text("Egne mål (CSV: target,indicator,threshold,comparison,year,source) ud "
                   "over de indbyggede (GBF 12.1, 300 m, 3-30-300).",
                   "Your own targets (CSV: target,indicator,threshold,comparison,year,source) "
                   "besides the built-in ones (GBF 12.1, 300 m, 3-30-300)."),
              default=None, faces=CLI, columns=("target", "indicator", "threshold",
                                                "comparison", "year", "source")),
        Param("out", "output", Text("Resultat", "Result"),
              Text("Resultatfil: .csv, .json eller .gpkg (med geometri); med --city "
                   "bydelstabellen.",
                   "Result file: .csv, .json or .gpkg (with geometry); with --city the "
                   "district table."),
              default=None, faces=CLI, suffixes=TABLE_SUFFIXES),
        Param("out_dir", "output", Text("Resultatmappe", "Output folder"),
              Text("Med --city: mappe til boliger (.gpkg), bydele, Lorenz-kurver, steder, "
                   "kort (PNG) og rapport (HTML).",
                   "With --city: folder for dwellings (.gpkg), districts, Lorenz curves, "
                   "sites, map (PNG) and report (HTML)."),
              default=None, faces=CLI),
        Param("report", "output", Text("Rapport", "Report"),
              Text("Med --city: rapport til byrådet (.html eller .pdf).",
                   "With --city: a report for the council (.html or .pdf)."),
              default=None, faces=CLI, suffixes=(".html", ".pdf")),
        Param("map", "output", Text("Kort", "Map"),
              Text("Kort (.png/.svg): uden --city grønningsprocent og afstandsreglen pr. "
                   "kommune; med --city boligerne farvet efter gangafstand.",
                   "Map (.png/.svg): without --city greening % and the distance rule per "
                   "municipality; with --city the dwellings coloured by walking distance."),
              default=None, faces=CLI, suffixes=(".png", ".svg")),
        TOP,
        QUIET,
    ),
    outputs=(
        Output("table", "table", Text("Bynatur pr. zone", "Urban nature per zone"),
               Text("Én række pr. zone efter grønningsprocent; alle zoner (zone_id 0) "
                    "sidst. Grov: 100 m arealanvendelse som proxy. Med city: én række pr. "
                    "bydel, hele byen (district_id 0) sidst.",
                    "One row per zone ranked by greening %; the all-zones row (zone_id 0) "
                    "last. Coarse: 100 m land-use proxy. With city: one row per district, "
                    "the whole city (district_id 0) last."), TABLE_SCHEMA),
        Output("sites", "table", Text("Foreslåede steder", "Suggested sites"),
               Text("Med city: kandidatsteder rangeret; valgt af HiGHS og af grådig "
                    "basislinje.",
                    "With city: candidate sites ranked; chosen by HiGHS and by the greedy "
                    "baseline."), TABLE_SCHEMA),
        Output("lorenz", "table", Text("Lorenz-kurver", "Lorenz curves"),
               Text("Med city: Lorenz-kurve for afstand pr. bydel.",
                    "With city: Lorenz curve of distance per district."), TABLE_SCHEMA),
        Output("tracking", "table", Text("Målopfølgning", "Target tracking"),
               Text("Med city: mål, værdi, afstand til mål og status pr. bydel.",
                    "With city: target, value, gap and status per district."), TABLE_SCHEMA),
        method_output(Text("Metode, regel, klasseroller, antagelser, grov-mærkning.",
                           "Method, rule, class roles, assumptions, the coarse label.")),
    ),
    run=run_urban,
    command=("urban",),
    keywords=("urban", "bynatur", "target 12", "3-30-300", "greening", "grønne områder"),
)

SPECS: tuple[ModelSpec, ...] = (URBAN,)
