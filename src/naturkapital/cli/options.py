"""Command-line options shared by several command groups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ZonesOpt = Annotated[Path | None, typer.Option(
    "--zones", help="Zonefil / zone polygons (GeoPackage, Shapefile, GeoJSON; any CRS). "
                    "Default: the embedded municipalities.")]
IdOpt = Annotated[str | None, typer.Option("--id-field", help="Felt med zone-id / id field.")]
NameOpt = Annotated[str | None, typer.Option("--name-field", help="Felt med navn / name field.")]
LandcoverOpt = Annotated[str, typer.Option(
    "--landcover", help="basemap2021, corine (with --year) or a class raster path "
                        "(with --scheme).")]
YearOpt = Annotated[int | None, typer.Option("--year", help="Årstal / year (CORINE: 1990, "
                                                             "2000, 2006, 2012, 2018).")]
SchemeOpt = Annotated[Path | None, typer.Option(
    "--scheme", help="Klassifikationstabel CSV: value,land_type,nature_value,source.")]
