"""The spec of the ``nki-diagram`` model (the NKI mosaic diagram of one zone)."""

from __future__ import annotations

from naturkapital.core.spec import CLI, MUNICIPALITY_CODE, REQUIRED, ModelSpec, Output, Param, Text
from naturkapital.landcover.sources import EPOCHS
from naturkapital.nki.spec import ID_FIELD, LANDCOVER, NAME_FIELD, SCHEME, YEAR, ZONES
from naturkapital.report.nki_diagram import draw_diagram
from naturkapital.report.sheet import write_sheet

DIAGRAM = ModelSpec(
    id="nki-diagram",
    title=Text("NKI-diagram", "NKI diagram"),
    about=Text("Mosaikdiagrammet for én zone: arealandel × naturværdi pr. arealtype.",
               "The mosaic diagram of one zone: area share × nature value per land type."),
    inputs=(
        Param("zone", "text", Text("Zone", "Zone"),
              Text("Zone-id, fx 563 (Fanø); 0 = hele landet.",
                   "Zone id, e.g. 563 (Fanø); 0 = national."), default=REQUIRED,
              max_length=255),
        ZONES, ID_FIELD, NAME_FIELD, LANDCOVER, YEAR, SCHEME,
        Param("second", "epoch", Text("Anden periode", "Second epoch"),
              Text("Anden periode tegnet som omrids (basemap2021, corine:ÅR eller en sti).",
                   "A second epoch drawn as outlines (basemap2021, corine:YEAR or a path)."),
              default=None, choices=EPOCHS),
        Param("nature_only", "flag", Text("Kun natur", "Nature only"),
              Text("Kun de fire naturtyper (NKI natur).",
                   "Only the four nature types (NKI natur)."),
              default=False, flag="--kun-natur/--alle"),
        Param("out", "output", Text("Figur", "Figure"), Text(".png eller .svg",
                                                             ".png or .svg"),
              default="nki_diagram.png", faces=CLI, suffixes=(".png", ".svg")),
    ),
    outputs=(
        Output("figure", "figure", Text("Diagram", "Diagram"),
               Text("PNG eller SVG.", "PNG or SVG."), {"type": "string"}),
    ),
    run=draw_diagram,
    process=False,
    command=("diagram",),
    rest=None,
    keywords=("nki", "diagram"),
)


SHEET = ModelSpec(
    id="municipality-sheet",
    title=Text("Kommuneark", "Municipality sheet"),
    about=Text("Én kommune på et ark: NKI, NKI natur, placering i landet og i gruppen, "
               "diagram, arealtyper, ændring mellem to perioder, vejledende lavbundskandidater "
               "og bynatur, hvor demobyen dækker kommunen; med noter om åbne data og "
               "antagelser.",
               "One municipality on a sheet: NKI, NKI natur, rank nationally and in its "
               "group, the diagram, land types, change between two epochs, indicative "
               "lowland candidates and urban indicators where the demo city covers it; with "
               "the open-data and assumption notes."),
    inputs=(
        Param("zone", "text", Text("Kommune", "Municipality"),
              Text("Kommunekode, fx 630 (Vejle).", "Municipality code, e.g. 630 (Vejle)."),
              default=REQUIRED, max_length=10, pattern=MUNICIPALITY_CODE),
        LANDCOVER, YEAR,
        Param("from_epoch", "epoch", Text("Ændring fra", "Change from"),
              Text("Første periode i ændringen (basemap2021 eller corine:ÅR).",
                   "First epoch of the change (basemap2021 or corine:YEAR)."),
              default="corine:2012", choices=EPOCHS, flag="--from"),
        Param("to_epoch", "epoch", Text("Ændring til", "Change to"),
              Text("Anden periode i ændringen.", "Second epoch of the change."),
              default="corine:2018", choices=EPOCHS, flag="--to"),
        Param("out", "output", Text("Ark", "Sheet"), Text(".pdf, .html eller .xlsx",
                                                         ".pdf, .html or .xlsx"),
              default="kommuneark.pdf", faces=CLI, suffixes=(".pdf", ".html", ".xlsx")),
    ),
    outputs=(Output("sheet", "document", Text("Kommuneark", "Municipality sheet"),
                    Text("PDF, HTML eller Excel.", "PDF, HTML or Excel.")),),
    run=write_sheet,
    process=False,
    command=("sheet",),
    rest=None,
    keywords=("nki", "kommuneark", "municipality sheet", "report"),
)


SPECS: tuple[ModelSpec, ...] = (DIAGRAM, SHEET)
