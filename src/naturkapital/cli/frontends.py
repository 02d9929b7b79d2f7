"""``naturkapital spec`` (the model specs for external front ends) and
``naturkapital qgis install-plugin`` (the QGIS Processing plugin)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from naturkapital.cli.app import app, console, sub_app
from naturkapital.core.errors import InputError


@app.command("spec")
def spec_cmd(
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Skriv JSON / print JSON for external front ends (the QGIS plugin)."
        ),
    ] = False,
) -> None:
    """Modelspecifikationer. The model specs: every model's command-line inputs (option,
    kind, labels and help in Danish and English, bounds, unit, choices, default,
    geometry, output extensions) and outputs."""
    from naturkapital.report.reference import front_end_document

    doc = front_end_document()
    if as_json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        return
    for m in doc["models"]:
        console.print(
            f"[bold]{m['id']}[/]: naturkapital {' '.join(m['command'])} — "
            f"{m['title']['da']} / {m['title']['en']} "
            f"({len(m['inputs'])} inputs)",
            highlight=False,
        )


qgis = sub_app("qgis", "QGIS: Processing-plugin / the QGIS Processing plugin.")

#: The plugin's folder name (= the Python package QGIS imports).
PLUGIN = "naturkapital_qgis"
#: File in the installed plugin naming the ``naturkapital`` program to run.
EXE_FILE = "naturkapital_exe.txt"


def plugin_source() -> Path:
    """The plugin's files in the repository (``qgis/naturkapital_qgis``)."""
    import naturkapital

    src = Path(naturkapital.__file__).resolve().parents[2] / "qgis" / PLUGIN
    if not (src / "metadata.txt").is_file():
        raise InputError(
            src,
            "the QGIS plugin's files are not here; install naturkapital "
            "from a clone of the repository (pip install -e .)",
        )
    return src


def default_profile_dir() -> Path:
    """The default QGIS 3 user profile of this platform."""
    home = Path.home()
    if sys.platform.startswith("win"):
        import os

        base = Path(os.environ.get("APPDATA", home / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = home / ".local" / "share"
    return base / "QGIS" / "QGIS3" / "profiles" / "default"


def this_program() -> str:
    """The ``naturkapital`` program of this installation (for the plugin to run)."""
    import shutil

    here = Path(sys.executable).parent
    for name in ("naturkapital", "naturkapital.exe"):
        if (here / name).is_file():
            return str(here / name)
    return shutil.which("naturkapital") or "naturkapital"


def enable_in_settings(ini: Path, plugin: str = PLUGIN) -> None:
    """Mark ``plugin`` enabled in a profile's ``QGIS3.ini`` (``[PythonPlugins]``),
    changing only that line: QGIS (and ``qgis_process``) load enabled plugins."""
    lines = ini.read_text(encoding="utf-8").splitlines() if ini.is_file() else []
    entry = f"{plugin}=true"
    try:
        head = lines.index("[PythonPlugins]")
    except ValueError:
        lines += ([""] if lines else []) + ["[PythonPlugins]", entry]
    else:
        end = next((i for i in range(head + 1, len(lines)) if lines[i].startswith("[")), len(lines))
        body = [i for i in range(head + 1, end) if lines[i].split("=")[0] == plugin]
        if body:
            lines[body[0]] = entry
        else:
            lines.insert(head + 1, entry)
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_text("\n".join(lines) + "\n", encoding="utf-8")


@qgis.command("install-plugin")
def install_plugin_cmd(
    profile_dir: Annotated[
        Path | None,
        typer.Option(
            "--profile-dir",
            help="QGIS-profilmappe / QGIS profile folder (default: this user's 'default' profile).",
        ),
    ] = None,
    zip_out: Annotated[
        Path | None,
        typer.Option(
            "--zip",
            help="Skriv i stedet en zip til 'Installer fra ZIP' / write a zip for "
            "the plugin manager's 'Install from ZIP' instead.",
        ),
    ] = None,
    enable: Annotated[
        bool,
        typer.Option(
            "--enable/--no-enable",
            help="Slå plugin til i profilen / enable the plugin in the profile's settings.",
        ),
    ] = True,
) -> None:
    """Installer QGIS-plugin. Install the Naturkapital Processing plugin into a QGIS
    profile (python/plugins/naturkapital_qgis), pointing it at this naturkapital."""
    import shutil
    import tempfile
    import zipfile

    from naturkapital.io.output import check_out

    src = plugin_source()
    exe = this_program()
    files = [
        p
        for p in sorted(src.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    if zip_out is not None:
        path = check_out(zip_out, (".zip",))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for f in files:
                z.write(f, f"{PLUGIN}/{f.relative_to(src).as_posix()}")
            z.writestr(f"{PLUGIN}/{EXE_FILE}", exe + "\n")
        console.print(f"Skrev (wrote) {path}")
        return
    profile = profile_dir or default_profile_dir()
    plugins = profile / "python" / "plugins"
    try:
        plugins.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".nk-tmp-", dir=plugins))
        for f in files:
            dest = staging / f.relative_to(src)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dest)
        (staging / EXE_FILE).write_text(exe + "\n", encoding="utf-8")
        target = plugins / PLUGIN
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except OSError as exc:
        raise InputError(
            plugins, f"cannot install the plugin here ({exc.strerror or type(exc).__name__})"
        ) from None
    if enable:
        enable_in_settings(profile / "QGIS" / "QGIS3.ini")
    console.print(f"Installerede (installed) {target} → {exe}", highlight=False)
    console.print(
        "Genstart QGIS; algoritmerne ligger under 'Naturkapital' i "
        "Processing-værktøjskassen / restart QGIS; the algorithms are under "
        "'Naturkapital' in the Processing toolbox.",
        highlight=False,
    )
