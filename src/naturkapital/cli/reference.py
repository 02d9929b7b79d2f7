"""``naturkapital reference``: write the model reference generated from the specs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naturkapital.cli.app import app, console
from naturkapital.io.output import check_out, write_atomic


@app.command("reference")
def reference_cmd(
    out: Annotated[Path, typer.Option(
        "--out", help="Markdown-fil / Markdown file, e.g. docs/reference.md.")]
    = Path("reference.md"),
) -> None:
    """Skriv modelreferencen. Write the model reference (every input and output of every
    model) generated from the model specs."""
    from naturkapital.report.reference import reference_markdown

    path = check_out(out, (".md",))
    text = reference_markdown()
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    console.print(f"Skrev (wrote) {out}")
