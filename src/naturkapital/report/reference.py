"""``docs/reference.md``: the reference of every model, generated from the model specs.

Regenerate with ``naturkapital reference --out docs/reference.md``; a test fails when
the page and the specs disagree.
"""

from __future__ import annotations

from naturkapital.accounts.spec import SPECS as ACCOUNTS
from naturkapital.consolidation.spec import SPECS as CONSOLIDATION
from naturkapital.core.spec import ModelSpec, Param, front_end
from naturkapital.lowland.spec import SPECS as LOWLAND
from naturkapital.nki.spec import SPECS as NKI
from naturkapital.priority.spec import SPECS as PRIORITY
from naturkapital.report.spec import SPECS as REPORT
from naturkapital.scenario.spec import SPECS as SCENARIO
from naturkapital.urban.spec import SPECS as URBAN

#: Every model, in the order of the reference page.
ALL_SPECS: tuple[ModelSpec, ...] = (*NKI, *REPORT, *LOWLAND, *SCENARIO, *ACCOUNTS, *URBAN,
                                   *CONSOLIDATION, *PRIORITY)


def _kind(p: Param) -> str:
    kind = p.kind
    if p.geometry:
        kind += f" ({p.geometry})"
    if p.projected:
        kind += ", projected CRS"
    if p.multiple:
        kind += ", repeatable"
    return kind


def _bounds(p: Param) -> str:
    parts = []
    if p.minimum is not None:
        parts.append(f"≥ {p.minimum:g}")
    if p.exclusive_minimum is not None:
        parts.append(f"> {p.exclusive_minimum:g}")
    if p.maximum is not None:
        parts.append(f"≤ {p.maximum:g}")
    if p.choices:
        parts.append("one of " + ", ".join(f"`{c}`" for c in p.choices))
    if p.columns:
        parts.append("columns " + ", ".join(f"`{c}`" for c in p.columns))
    if p.suffixes:
        parts.append(" ".join(f"`{s}`" for s in p.suffixes))
    if p.unit:
        parts.append(p.unit)
    return "; ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def model_markdown(spec: ModelSpec) -> str:
    """One model's section: what it does, where it runs, its inputs and outputs."""
    cli = "naturkapital " + " ".join(spec.command)
    lines = [f"## {spec.title.da} / {spec.title.en} (`{spec.id}`)", "",
             spec.about.da, "", f"*{spec.about.en}*", "",
             f"- Command line: `{cli}`"]
    if spec.process:
        lines.append(f"- OGC process: `POST /processes/{spec.id}/execution`")
    if spec.rest:
        lines.append(f"- REST: `POST /api/{spec.rest}` (multipart form)")
    lines.append(f"- Python: `{spec.run.__module__}.{spec.run.__qualname__}`")
    lines += ["", "| input | option | kind | default | bounds / choices | "
                  "interfaces | label | help |",
              "|---|---|---|---|---|---|---|---|"]
    for p in spec.inputs:
        default = "required" if p.required else ("" if p.default is None else
                                                 f"`{p.default}`")
        faces = ", ".join(sorted(p.faces))
        lines.append(f"| `{p.name}` | `{p.cli_flags()[0]}` | {_kind(p)} | {default} | "
                     f"{_cell(_bounds(p))} | {faces} | {_cell(p.label.both())} | "
                     f"{_cell(p.help.da)} / {_cell(p.help.en)}"
                     + (f" Command line: {_cell(p.cli_help.en)}" if p.cli_help else "")
                     + " |")
    lines += ["", "| output | kind | label | description |", "|---|---|---|---|"]
    for o in spec.outputs:
        lines.append(f"| `{o.name}` | {o.kind} | {_cell(o.label.both())} | "
                     f"{_cell(o.help.en)} |")
    return "\n".join(lines) + "\n"


def reference_markdown(specs: tuple[ModelSpec, ...] = ALL_SPECS) -> str:
    """The whole reference page."""
    head = ("# Modelreference / model reference\n\n"
            "Generated from the model specs (`*/spec.py`) by `naturkapital reference "
            "--out docs/reference.md`; do not edit by hand. Each input is declared once; "
            "the command line, the OGC processes, the REST routes and the web forms are "
            "generated from the same declaration.\n\n"
            "Kinds: *vector* (file path, GeoJSON or upload), *raster* (GeoTIFF), *table* "
            "(CSV), *field* (a column of another input), *number*/*integer* (bounds "
            "inclusive unless `>`; NaN and infinity refused), *choice*, *epoch* (an "
            "embedded land-cover epoch; the command line also takes a raster path), "
            "*text*, *flag*, *output* (a file the command writes).\n")
    return head + "\n" + "\n".join(model_markdown(s) for s in specs)


def front_end_document(specs: tuple[ModelSpec, ...] = ALL_SPECS) -> dict:
    """Every model as external front ends (the QGIS plugin) read it:
    ``naturkapital spec --json``."""
    from naturkapital import __version__

    return {"naturkapital": __version__, "format": 1,
            "models": [front_end(s) for s in specs]}
