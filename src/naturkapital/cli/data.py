"""``naturkapital data list | fetch NAME | check``: the national maps, fetched for you."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from naturkapital.cli.app import console, console_err, sub_app

data_app = sub_app(
    "data",
    "Nationale kort hentet for dig (kulstof, grundvand, markblokke, kommuner, OSM) / the "
    "national maps a project needs, fetched into a local cache. Network access only with "
    "'naturkapital --allow-network data …'.",
)

CacheOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        help="Cache-mappe / cache folder (default: NATURKAPITAL_CACHE or ~/.cache/naturkapital).",
    ),
]


@contextmanager
def download_progress(label: str) -> Iterator[Callable[[int, int | None], None]]:
    """A rich byte progress bar on a terminal; silent otherwise."""
    if not console_err.is_terminal:
        yield lambda _done, _total: None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console_err,
        transient=True,
    ) as prog:
        task = prog.add_task(escape(label), total=None)

        def update(done: int, total: int | None) -> None:
            prog.update(task, completed=done, total=total)

        yield update


def resolve_fetch_ref(value, what: str):
    """``(value, None)`` unless ``value`` is ``fetch:…``: then fetch it (with a progress
    bar) and return ``(local path, manifest entry)``."""
    from naturkapital.fetch.get import cite, is_fetch_ref, resolve_ref

    if not is_fetch_ref(value):
        return value, None
    with download_progress(f"Henter {value} (fetching)") as progress:
        path, entry = resolve_ref(str(value), what, progress=progress)
    console.print(
        f"{what}: {entry['name']} ({entry['publisher']}, {entry['licence']}), "
        f"{entry['fetched']}, sha256 {entry['sha256'][:12]}… → {path}",
        highlight=False,
    )
    return path, cite(entry)


@data_app.command("list")
def list_cmd() -> None:
    """Vis kataloget / list every source with licence, service and verification."""
    from naturkapital.fetch.catalogue import load_sources

    console.print("[bold]Nationale datakilder (national sources)[/]")
    for s in load_sources().values():
        console.print(f"\n[bold]{s.name}[/] — {s.title}", highlight=False, soft_wrap=True)
        for label, value in (
            ("udgiver (publisher)", s.publisher),
            ("licens (licence)", s.licence),
            ("tjeneste (service)", f"{s.service} {s.endpoint or '—'}"),
            ("lag/fil (layer)", s.layer or "—"),
            ("CRS, enhed (units)", f"{s.crs}, {s.units}"),
            ("fodrer (feeds)", s.feeds),
            ("token", s.token_env or "nej (not needed)"),
            ("verificeret (verified)", f"{s.verified_date}: {s.verified}"),
            ("dokumentation (source)", s.source),
        ):
            console.print(f"  {label}: {value}", highlight=False, soft_wrap=True)
    console.print(
        "Kilder (documentation): src/naturkapital/fetch/sources.csv, column "
        "'source'. Hent (fetch): naturkapital --allow-network data fetch NAME "
        "--kommune 760",
        highlight=False,
    )


@data_app.command("fetch")
def fetch_cmd(
    name: Annotated[str, typer.Argument(help="Kildens navn / source name (data list).")],
    kommune: Annotated[
        str | None,
        typer.Option(
            "--kommune", help="Kommunekode, fx 760 / municipality code (embedded boundary)."
        ),
    ] = None,
    bbox: Annotated[
        str | None, typer.Option("--bbox", help="minx,miny,maxx,maxy i EPSG:25832 (meter).")
    ] = None,
    cache: CacheOpt = None,
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help="Anden adresse / override the catalogue endpoint."),
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Hent igen / fetch again even if cached.")
    ] = False,
) -> None:
    """Hent en kilde til cachen / fetch a source, clipped and in EPSG:25832."""
    from naturkapital.fetch.catalogue import get_source
    from naturkapital.fetch.get import area_from, fetch

    src = get_source(name)
    area = (
        None
        if src.output == "pbf" and kommune is None and bbox is None
        else area_from(kommune, bbox)
    )
    with download_progress(f"Henter {name} (fetching)") as progress:
        entry = fetch(name, area, cache, endpoint, refresh, progress)
    word = "fra cachen (cached)" if entry["cache"] == "hit" else "hentet (fetched)"
    console.print(f"{name}: {word} → {entry['path']}", highlight=False)
    console.print(
        f"  {entry['publisher']} — {entry['licence']}; {entry['bytes']:,} bytes, "
        f"sha256 {entry['sha256'][:16]}…, {entry['fetched']}; {entry['note']}",
        highlight=False,
    )


@data_app.command("check")
def check_cmd(
    name: Annotated[
        list[str] | None, typer.Argument(help="Kun disse / only these sources.")
    ] = None,
) -> None:
    """Spørg hver tjeneste / ask each live endpoint for its capabilities."""
    from naturkapital.fetch.get import check

    rows = check(name)
    t = Table(title="Tjenester (services)", header_style="bold")
    for col in ("Navn", "Tjeneste", "Status", "Note"):
        t.add_column(col, overflow="fold")
    style = {"ok": "green", "error": "red", "skipped": "yellow"}
    for r in rows:
        t.add_row(
            r["name"], r["service"], f"[{style[r['status']]}]{r['status']}[/]", escape(r["note"])
        )
    console.print(t)
    bad = sum(r["status"] == "error" for r in rows)
    if bad:
        raise typer.Exit(1)
