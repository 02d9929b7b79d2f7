"""The spec of the ``nki-diagram`` model (the NKI mosaic diagram of one zone)."""

from __future__ import annotations

from naturkapital.core.spec import CLI, REQUIRED, ModelSpec, Output, Param, Text
from naturkapital.landcover.sources import EPOCHS
from naturkapital.nki.spec import ID_FIELD, LANDCOVER, NAME_FIELD, SCHEME, YEAR, ZONES
from naturkapital.report.nki_diagram import draw_diagram

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


SPECS: tuple[ModelSpec, ...] = (DIAGRAM,)
