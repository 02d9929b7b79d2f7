"""Write a rendered HTML report as ``.html`` or as ``.pdf`` (WeasyPrint), atomically."""

from __future__ import annotations

from pathlib import Path

from naturkapital.io.output import check_out, write_atomic


def write_html_or_pdf(html: str, out: str | Path, base_url: str | Path) -> Path:
    """Write ``html`` to ``out`` by suffix; ``base_url`` resolves relative links (PDF)."""
    p = check_out(out, (".html", ".pdf"))

    def write(tmp: Path) -> None:
        if p.suffix.lower() == ".html":
            tmp.write_text(html, encoding="utf-8")
        else:
            from weasyprint import HTML

            HTML(string=html, base_url=str(base_url)).write_pdf(tmp)

    return write_atomic(p, write)
