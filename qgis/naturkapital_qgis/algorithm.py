"""One Processing algorithm per model, built from the model's spec (no hand-written
parameter lists): vector/raster layers with geometry kind and CRS rule, numbers with
bounds and units, choices, files and outputs; Danish labels with English beside them."""

from __future__ import annotations

import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsClassificationJenks,
    QgsGraduatedSymbolRenderer,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsRendererCategory,
    QgsStyle,
    QgsSymbol,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from . import bridge

#: Formats the command line reads a vector input from (others are exported to GPKG).
VECTOR_FORMATS = ["gpkg", "shp", "geojson", "json", "fgb"]
#: Suffix of the extra input "or an embedded dataset" of a vector input with choices.
EMBEDDED = "_embedded"
GEOMETRY = {"polygon": QgsProcessing.TypeVectorPolygon, "point": QgsProcessing.TypeVectorPoint}
FORMAT_NAMES = {
    ".gpkg": "GeoPackage",
    ".csv": "CSV",
    ".json": "JSON",
    ".png": "PNG",
    ".svg": "SVG",
    ".pdf": "PDF",
    ".html": "HTML",
    ".xlsx": "Excel",
    ".md": "Markdown",
    ".zip": "ZIP",
    ".tif": "GeoTIFF",
}


def both(text: dict[str, str]) -> str:
    return text["da"] if text["da"] == text["en"] else f"{text['da']} / {text['en']}"


def label(i: dict[str, Any]) -> str:
    return both(i["label"]) + (f" [{i['unit']}]" if i.get("unit") else "")


def help_text(i: dict[str, Any]) -> str:
    h = both(i["help"])
    bounds = []
    if i.get("exclusive_minimum") is not None:
        bounds.append(f"> {i['exclusive_minimum']:g}")
    if i.get("minimum") is not None:
        bounds.append(f"≥ {i['minimum']:g}")
    if i.get("maximum") is not None:
        bounds.append(f"≤ {i['maximum']:g}")
    if i.get("unit"):
        bounds.append(f"enhed (unit): {i['unit']}")
    if i.get("columns"):
        bounds.append("kolonner (columns): " + ", ".join(i["columns"]))
    if i.get("projected"):
        bounds.append("projiceret CRS (projected CRS)")
    if i.get("multiple"):
        bounds.append("flere adskilt med komma (several, comma-separated)")
    return h + (f" ({'; '.join(bounds)})" if bounds else "")


def output_suffixes(i: dict[str, Any]) -> list[str]:
    """GeoPackage first (a map layer), then the others."""
    return sorted(i["suffixes"], key=lambda s: s != ".gpkg")


def make_parameters(model: dict[str, Any]) -> list[Any]:
    """The Processing parameters of a model's command-line inputs."""
    vectors = {i["name"] for i in model["inputs"] if i["kind"] == "vector"}
    out: list[Any] = []
    for i in model["inputs"]:
        name, text, optional, kind = i["name"], label(i), not i["required"], i["kind"]
        default = i["default"]
        if kind == "vector":
            types = [GEOMETRY.get(i["geometry"], QgsProcessing.TypeVectorAnyGeometry)]
            p = QgsProcessingParameterFeatureSource(
                name, text, types, None, optional or bool(i["choices"])
            )
            if i["choices"]:
                emb = QgsProcessingParameterEnum(
                    name + EMBEDDED,
                    f"{text}: indlejret / embedded",
                    [str(c) for c in i["choices"]],
                    False,
                    None,
                    True,
                )
                emb.setUsesStaticStrings(True)
                emb.setHelp(
                    "Brug et indlejret datasæt i stedet for et lag / use an "
                    "embedded dataset instead of a layer."
                )
                out.append(p)
                p = emb
        elif kind == "raster":
            p = QgsProcessingParameterRasterLayer(name, text, None, optional)
        elif kind == "table":
            p = QgsProcessingParameterFile(
                name,
                text,
                QgsProcessingParameterFile.File,
                "",
                None,
                optional,
                "CSV (*.csv);;Alle filer / all files (*.*)",
            )
        elif kind == "field" and i["of"] in vectors:
            p = QgsProcessingParameterField(
                name, text, default, i["of"], QgsProcessingParameterField.Any, False, optional
            )
        elif kind in ("number", "integer"):
            typ = (
                QgsProcessingParameterNumber.Integer
                if kind == "integer"
                else QgsProcessingParameterNumber.Double
            )
            low = i["minimum"] if i["minimum"] is not None else i["exclusive_minimum"]
            p = QgsProcessingParameterNumber(name, text, typ, default, optional)
            if low is not None:
                p.setMinimum(low)
            if i["maximum"] is not None:
                p.setMaximum(i["maximum"])
        elif kind in ("choice", "epoch"):
            options = [str(c) for c in i["choices"] or []]
            p = QgsProcessingParameterEnum(
                name, text, options, False, None if default is None else str(default), optional
            )
            p.setUsesStaticStrings(True)
        elif kind == "flag":
            p = QgsProcessingParameterBoolean(name, text, bool(default), True)
        elif kind == "output":
            suffixes = output_suffixes(i)
            filt = ";;".join(f"{FORMAT_NAMES.get(s, s[1:].upper())} (*{s})" for s in suffixes)
            p = QgsProcessingParameterFileDestination(name, text, filt, None, optional, True)
        else:  # text, and fields of a file input
            p = QgsProcessingParameterString(
                name, text, None if default is None else str(default), False, optional
            )
        p.setHelp(help_text(i))
        out.append(p)
    return out


class NaturkapitalAlgorithm(QgsProcessingAlgorithm):
    """A model of ``naturkapital spec --json`` run as the ``naturkapital`` program."""

    def __init__(self, model: dict[str, Any], exe: str, warning: str | None = None) -> None:
        super().__init__()
        self.model, self.exe, self.warning = model, exe, warning

    def createInstance(self) -> NaturkapitalAlgorithm:  # noqa: N802
        return NaturkapitalAlgorithm(self.model, self.exe, self.warning)

    def name(self) -> str:
        return self.model["id"].replace("-", "_")

    def displayName(self) -> str:  # noqa: N802
        return both(self.model["title"])

    def group(self) -> str:
        return {
            "lowland": "Lavbund / lowland",
            "scenario": "Scenarier / scenarios",
            "priority": "Prioritering / priority",
        }.get(self.groupId(), "Naturkapital")

    def groupId(self) -> str:  # noqa: N802
        cmd = self.model["command"]
        return cmd[0] if len(cmd) > 1 else "naturkapital"

    def tags(self) -> list[str]:
        return list(self.model["keywords"])

    def shortHelpString(self) -> str:  # noqa: N802
        m = self.model
        rows = "".join(f"<li><b>{label(i)}</b>: {help_text(i)}</li>" for i in m["inputs"])
        return (
            f"<p>{m['about']['da']}</p><p><i>{m['about']['en']}</i></p>"
            f"<p>naturkapital {' '.join(m['command'])}</p><ul>{rows}</ul>"
        )

    def initAlgorithm(self, config: dict | None = None) -> None:  # noqa: N802
        for p in make_parameters(self.model):
            self.addParameter(p)

    # -- running -------------------------------------------------------------------

    def values(self, parameters: dict, context: QgsProcessingContext, feedback) -> dict[str, Any]:
        """Input values for the command line (layers → file paths)."""
        vals: dict[str, Any] = {}
        for i in self.model["inputs"]:
            name, kind = i["name"], i["kind"]
            given = parameters.get(name)
            if kind == "vector":
                emb = parameters.get(name + EMBEDDED) if i["choices"] else None
                if emb not in (None, ""):
                    vals[name] = self.parameterAsEnumString(parameters, name + EMBEDDED, context)
                elif given not in (None, ""):
                    vals[name] = self.parameterAsCompatibleSourceLayerPath(
                        parameters, name, context, VECTOR_FORMATS, "gpkg", feedback
                    )
                elif i["required"] or i["choices"]:
                    raise QgsProcessingException(f"{label(i)}: mangler / is required")
            elif given is None or given == "":
                continue
            elif kind == "raster":
                layer = self.parameterAsRasterLayer(parameters, name, context)
                if layer is None:
                    continue
                if i["projected"] and layer.crs().isValid() and layer.crs().isGeographic():
                    raise QgsProcessingException(
                        f"{label(i)}: {layer.source()}: skal have et projiceret CRS / must "
                        f"be in a projected CRS, not {layer.crs().authid()}"
                    )
                vals[name] = layer.source().split("|")[0]
            elif kind == "table":
                vals[name] = self.parameterAsFile(parameters, name, context)
            elif kind == "field" and isinstance(
                self.parameterDefinition(name), QgsProcessingParameterField
            ):
                fields = self.parameterAsFields(parameters, name, context)
                vals[name] = fields[0] if fields else None
            elif kind == "number":
                vals[name] = self.parameterAsDouble(parameters, name, context)
            elif kind == "integer":
                vals[name] = self.parameterAsInt(parameters, name, context)
            elif kind in ("choice", "epoch"):
                vals[name] = self.parameterAsEnumString(parameters, name, context) or None
            elif kind == "flag":
                vals[name] = self.parameterAsBool(parameters, name, context)
            elif kind == "output":
                path = self.parameterAsFileOutput(parameters, name, context)
                if path and Path(path).suffix.lower() not in i["suffixes"]:
                    path += output_suffixes(i)[0]
                vals[name] = path or None
            else:
                text = self.parameterAsString(parameters, name, context)
                vals[name] = (
                    [t.strip() for t in text.split(",") if t.strip()] if i["multiple"] else text
                )
        return vals

    def processAlgorithm(
        self,
        parameters: dict,
        context: QgsProcessingContext,  # noqa: N802
        feedback,
    ) -> dict[str, Any]:
        if self.warning:
            feedback.pushWarning(self.warning)
        vals = self.values(parameters, context, feedback)
        argv = bridge.build_argv(self.exe, self.model, vals)
        feedback.pushCommandInfo(" ".join(argv))
        stderr = run(argv, feedback)
        if stderr is not None:
            raise QgsProcessingException(stderr)
        results: dict[str, Any] = {}
        for i in self.model["inputs"]:
            path = vals.get(i["name"]) if i["kind"] == "output" else None
            if path and os.path.exists(path):
                results[i["name"]] = path
                load_on_completion(
                    path, both(i["label"]) + " — " + self.displayName(), i["name"], context
                )
        return results


def run(argv: list[str], feedback) -> str | None:
    """Run the program: stdout → info lines, progress lines → the progress bar, cancel →
    terminate. ``None`` on success, else the program's one error line."""
    try:
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=bridge.child_env(),
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        return f"{argv[0]}: kan ikke køres / cannot be run ({exc})"
    lines: queue.Queue = queue.Queue()

    def pump(stream, which: str) -> None:
        for line in stream:
            lines.put((which, line.rstrip("\n")))
        lines.put((which, None))

    for stream, which in ((proc.stdout, "out"), (proc.stderr, "err")):
        threading.Thread(target=pump, args=(stream, which), daemon=True).start()
    err: list[str] = []
    open_streams = 2
    while open_streams:
        if feedback is not None and feedback.isCanceled():
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            return "Afbrudt / canceled"
        try:
            which, line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        if line is None:
            open_streams -= 1
            continue
        step = bridge.progress(line) if which == "err" else None
        if step is not None:
            feedback.setProgress(step[0])
            if step[1]:
                feedback.setProgressText(step[1])
        elif which == "err":
            err.append(line)
            if not line.startswith(bridge.ERROR_PREFIX):  # that one is the exception
                feedback.pushWarning(line)
        elif line.strip():
            feedback.pushInfo(line)
    code = proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    if code == 0:
        return None
    return bridge.error_line("\n".join(err)) or f"naturkapital: exit code {code}"


def load_on_completion(path: str, name: str, output: str, context: QgsProcessingContext) -> None:
    """Load a GeoPackage or CSV output into the project when QGIS runs with a project
    window (not in ``qgis_process``); figures and documents are reported as paths."""
    try:
        from qgis.utils import iface
    except ImportError:
        iface = None
    if iface is None or Path(path).suffix.lower() not in (".gpkg", ".csv"):
        return
    details = QgsProcessingContext.LayerDetails(name, context.project(), output)
    styler = _Styler()
    _STYLERS.append(styler)  # QGIS takes the pointer; Python must keep the object
    details.setPostProcessor(styler)
    context.addLayerToLoadOnCompletion(path, details)


#: Status colours of screened parcels (eligible green, secondary amber, ineligible grey).
STATUS_COLOURS = {
    "eligible": ("#1a9641", "støtteberettiget / eligible"),
    "secondary": ("#fdae61", "sekundær / secondary"),
    "ineligible": ("#bababa", "ikke støtteberettiget / ineligible"),
}
#: Numeric fields drawn as five natural-breaks classes, in order of preference.
GRADUATED = ("nki", "nki_nature", "score", "co2e_reduction_t_per_year")


def apply_style(layer: QgsVectorLayer) -> str | None:
    """Style an output layer: parcels by status, zones by NKI (natural breaks, green).
    Returns the field styled by, or ``None`` (QGIS's default symbol)."""
    names = set(layer.fields().names())
    if "status" in names:
        cats = []
        for value, (colour, text) in STATUS_COLOURS.items():
            sym = QgsSymbol.defaultSymbol(layer.geometryType())
            sym.setColor(QColor(colour))
            cats.append(QgsRendererCategory(value, sym, text))
        layer.setRenderer(QgsCategorizedSymbolRenderer("status", cats))
        return "status"
    for name in GRADUATED:
        if name in names:
            r = QgsGraduatedSymbolRenderer(name)
            r.setClassificationMethod(QgsClassificationJenks())
            r.updateClasses(layer, 5)
            ramp = QgsStyle.defaultStyle().colorRamp("Greens")
            if ramp is not None:
                r.updateColorRamp(ramp)
            layer.setRenderer(r)
            return name
    return None


class _Styler(QgsProcessingLayerPostProcessorInterface):
    def postProcessLayer(self, layer, context, feedback) -> None:  # noqa: N802
        if isinstance(layer, QgsVectorLayer):
            apply_style(layer)
            layer.triggerRepaint()


_STYLERS: list[_Styler] = []
