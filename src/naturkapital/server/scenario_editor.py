"""The scenario editor's API: land-cover classes, demo scenarios, reading a scenario
file, and evaluating a scenario with the NKI diagram before and after.

Evaluation is :func:`naturkapital.scenario.evaluate.evaluate_scenario` (the function
behind ``naturkapital scenario evaluate`` and the ``scenario-evaluate`` process). A
scenario is an embedded demo (``demo:byn_so`` …) or a GeoJSON FeatureCollection of
conversion polygons (EPSG:4326 unless it carries a ``crs`` member) with ``to_class``, a
class code of the chosen land cover's scheme. Everything is read in memory (no
temporary files); results are kept per (scenario, land cover, layers, zones) so showing
another zone's diagram does not evaluate again.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import TYPE_CHECKING, Annotated, Any, Literal

import geopandas as gpd
import pandas as pd
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field, create_model

from naturkapital.core.errors import InputError
from naturkapital.core.jsonable import finite_or_none
from naturkapital.io.local import InMemory, error_text
from naturkapital.io.vectors import ZONE_ID
from naturkapital.scenario.read import CONVERSION_FIELDS
from naturkapital.server.cache import _PLOT_LOCK, _Memo, epoch_of
from naturkapital.server.config import Settings
from naturkapital.server.errors import ApiError, responses
from naturkapital.server.uploads import UploadError, check_crs_member, display_name, sniff

if TYPE_CHECKING:
    from naturkapital.landcover.sources import Landcover
    from naturkapital.nki.compute import Zones
    from naturkapital.scenario.evaluate import ScenarioResult

router = APIRouter(prefix="/api", tags=["scenarios"])

DemoKey = Literal["byn_so", "endelave", "aastrup_kaer"]
ScenarioLandcover = Literal["basemap2021", "corine:2018"]
#: The most conversions one scenario may hold (as for saved scenarios).
MAX_CONVERSIONS = 500
CONVERSION_COLUMNS = ["conv_id", "name", "to_class", "to_land_type", "area_ha", "converted_ha",
                      "rewetted_ha", "cost_dkk", "note"]


# ---------------------------------------------------------------- models
class LandcoverClass(BaseModel):
    value: int
    label: str
    land_type: str
    land_type_da: str
    land_type_en: str
    colour: str
    nature: bool
    nature_value: float | None
    assumption: bool


class LandcoverClasses(BaseModel):
    epoch: str
    landcover: str
    scheme: str
    classes: list[LandcoverClass]


class DemoInfo(BaseModel):
    id: str = Field(description="Value for 'scenario' in an evaluation, e.g. demo:byn_so")
    key: str
    title: str
    kommune: str
    kommune_name: str
    story: str
    illustration: str
    n_conversions: int
    bbox: list[float] = Field(description="lon/lat bounds: west, south, east, north")


def _editor_inputs() -> type[BaseModel]:
    """The editor's request: the inputs of the ``scenario-evaluate`` process (generated
    from its spec, :data:`naturkapital.scenario.spec.EVALUATE`) plus three options of
    the editor's answer — the zone and language of the NKI diagrams, the project area."""
    from naturkapital.scenario.spec import EVALUATE
    from naturkapital.server.processes.inputs import inputs_model

    return create_model(
        "ScenarioEditorInputs", __base__=inputs_model(EVALUATE),
        zone_id=(str | None, Field(None, max_length=50, description="Zone of the NKI "
                                   "diagrams (default: the one with the most converted "
                                   "area)")),
        project=(bool, Field(True, description="Also evaluate the project area itself "
                                               "(the union of the conversions as one "
                                               "zone)")),
        lang=(Literal["da", "en", "both"], Field(
            "both", description="Language of the NKI diagrams: da, en, or both (Danish "
                                "with English)")))


#: ``POST /api/scenario/evaluate`` and ``/api/scenario/report`` take the process's
#: inputs (one declaration: the spec) and the editor's three answer options.
EvaluateIn = _editor_inputs()


class Diagram(BaseModel):
    zone_id: str
    name: str
    nki_before: float | None
    nki_after: float | None
    before_svg: str = Field(description="NKI diagram before (SVG text)")
    after_svg: str = Field(description="NKI diagram after, with the 'before' bars as "
                                       "outlines (SVG text)")


class ProjectArea(BaseModel):
    """The scenario's own polygons as one zone: its indicators and NKI diagrams."""

    zone_id: str
    name: str
    area_ha: float
    table: list[dict[str, Any]]
    diagram: Diagram


class Evaluation(BaseModel):
    """A scenario's indicators per zone (long table), lowland checks, the conversions,
    the method, the NKI diagram before/after of one zone, and the project area."""

    table: list[dict[str, Any]]
    zones: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    lowland: list[dict[str, Any]]
    conversions: dict[str, Any]
    meta: dict[str, Any]
    diagram: Diagram
    project: ProjectArea | None = None


# ---------------------------------------------------------------- helpers
def _scheme_classes(epoch: str) -> dict[str, Any]:
    from naturkapital.landcover.landtypes import LAND_TYPES

    lc = _landcover(epoch)
    by_key = {t.key: t for t in LAND_TYPES}
    rows = []
    for r in lc.scheme.table.itertuples():
        t = by_key.get(str(r.land_type))
        nv = float(r.nature_value) if pd.notna(r.nature_value) else None
        rows.append({"value": int(r.value), "label": str(r.label),
                     "land_type": str(r.land_type), "land_type_da": t.da if t else "",
                     "land_type_en": t.en if t else "",
                     "colour": t.colour if t else "#999999", "nature": bool(t.nature) if t else
                     False, "nature_value": nv, "assumption": bool(r.is_assumption)})
    return {"epoch": epoch, "landcover": lc.label, "scheme": lc.scheme.name, "classes": rows}


def _landcover(epoch: str) -> Any:
    from naturkapital.landcover.sources import resolve_landcover

    if epoch == "basemap2021":
        return resolve_landcover("basemap2021", None)
    name, _, year = epoch.partition(":")
    return resolve_landcover(name, int(year))


def _fc_4326(gdf: gpd.GeoDataFrame, columns: list[str]) -> dict[str, Any]:
    cols = [c for c in columns if c in gdf.columns]
    wgs = gdf[cols + ["geometry"]].to_crs(4326)
    return json.loads(wgs.to_json(drop_id=True, na="null"))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _user_zones(inputs: Any, settings: Settings) -> Zones:
    """The request's own zones (``zones``, ``id_field``, ``name_field``), checked."""
    from naturkapital.server.uploads import process_zones

    return process_zones(inputs.zones, inputs.id_field, inputs.name_field, settings).zones


def _svg(fig: Any) -> str:
    """A pyplot-free matplotlib Figure as SVG text."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    return buf.getvalue()


class ScenarioService:
    """Demos, classes, and cached evaluations for the scenario editor."""

    def __init__(self) -> None:
        self._tables = _Memo()
        self._results = _Memo(maxsize=16)
        self._diagrams = _Memo(maxsize=64)

    # -- classes and demos ------------------------------------------------------------
    def classes(self, epoch: str) -> dict[str, Any]:
        return self._tables.get(("classes", epoch), lambda: _scheme_classes(epoch))

    def demos(self) -> list[dict[str, Any]]:
        return self._tables.get("demos", self._make_demos)

    def _make_demos(self) -> list[dict[str, Any]]:
        from naturkapital.io.vectors import read_vector
        from naturkapital.nki.compute import load_zones
        from naturkapital.scenario.read import DEMOS, resolve_scenario_path

        try:
            from naturkapital.scenario.make_demo import PILOTS
            stories = {p.key: p.story for p in PILOTS}
        except Exception:  # the generator is optional for the editor
            stories = {}
        names = dict(zip(load_zones().gdf[ZONE_ID], load_zones().gdf["name"], strict=True))
        out = []
        for key in DEMOS:
            gdf = read_vector(resolve_scenario_path(f"demo:{key}"))
            first = gdf.iloc[0]
            kommune = str(first.get("kommune", "") or "")
            w, s, e, n = (float(v) for v in gdf.to_crs(4326).total_bounds)
            out.append({"id": f"demo:{key}", "key": key,
                        "title": str(first.get("pilot", key) or key), "kommune": kommune,
                        "kommune_name": names.get(kommune, ""),
                        "story": stories.get(key, ""),
                        "illustration": str(first.get("illustration", "") or ""),
                        "n_conversions": int(len(gdf)), "bbox": [w, s, e, n]})
        return out

    def demo_geojson(self, key: str) -> bytes:
        def make() -> bytes:
            from naturkapital.landcover.sources import resolve_landcover
            from naturkapital.scenario.read import read_scenario

            conv = read_scenario(f"demo:{key}", resolve_landcover("basemap2021", None).scheme)
            fc = _fc_4326(conv, list(CONVERSION_FIELDS))
            fc["demo"] = f"demo:{key}"
            return json.dumps(fc, ensure_ascii=False, allow_nan=False).encode("utf-8")

        return self._tables.get(("demo", key), make)

    # -- reading an uploaded scenario file ---------------------------------------------
    def read_file(self, data: bytes, filename: str | None, epoch: str,
                  max_bytes: int) -> dict[str, Any]:
        """Check a scenario file against the scheme; its conversions as GeoJSON 4326."""
        from naturkapital.scenario.read import read_scenario

        shown = display_name(filename or "scenario")
        if len(data) > max_bytes:
            raise UploadError(413, f"{shown}: the file is over the upload limit of "
                                   f"{max_bytes / 1e6:.1f} MB")
        sniff(data, shown)  # GeoJSON or GeoPackage, by content
        lc = _landcover(epoch)
        try:
            conv = read_scenario(InMemory(data, shown), lc.scheme)
        except InputError as exc:
            raise UploadError(422, f"{shown}: {exc.problem}") from None
        except Exception as exc:  # malformed content GDAL/GEOS could not handle
            raise UploadError(422, f"{shown}: cannot read the scenario "
                                   f"({error_text(exc, shown)})") from None
        if len(conv) > MAX_CONVERSIONS:
            raise UploadError(422, f"{shown}: {len(conv)} conversions; at most "
                                   f"{MAX_CONVERSIONS}")
        lt = dict(zip(lc.scheme.table["value"].astype(int), lc.scheme.table["land_type"],
                      strict=True))
        conv["land_type"] = conv["to_class"].map(lt)
        fc = _fc_4326(conv, [*CONVERSION_FIELDS, "land_type"])
        return {"filename": shown, "epoch": epoch, "conversions": fc}

    # -- evaluation -------------------------------------------------------------------
    def result_for(self, inputs: Any, settings: Settings | None = None,
                   project: bool = False) -> tuple[ScenarioResult, str]:
        """The ScenarioResult of the ``scenario-evaluate`` inputs — the process's and the
        editor's alike — and its cache key (the canonical JSON of the inputs that change
        the result); with ``project`` the result for the project area as its one zone."""
        settings = settings or Settings()
        epoch = epoch_of(inputs.landcover, inputs.year)
        scenario = inputs.scenario
        canon = scenario if isinstance(scenario, str) else _canonical(scenario)
        layers = LayerFiles.of(inputs.carbon, inputs.groundwater, settings.max_upload_bytes,
                               settings.max_raster_cells)
        zones = None if inputs.zones is None else _canonical(
            [inputs.zones, inputs.id_field, inputs.name_field])
        key = hashlib.sha256(f"{epoch}\n{canon}\n{layers.digest()}\n{zones}\n{project}"
                             f"\n{inputs.soil}".encode()).hexdigest()
        return self._results.get(key, lambda: self._evaluate(
            inputs, settings, canon, epoch, layers, project)), key

    def _evaluate(self, inputs: Any, settings: Settings, canon: str, epoch: str,
                  layers: LayerFiles, project: bool) -> ScenarioResult:
        lc = _landcover(epoch)
        zones = None
        if project:
            base, _ = self.result_for(inputs, settings)
            zones = project_zones(base.conversions)
        elif inputs.zones is not None:
            zones = _user_zones(inputs, settings)
        return evaluate_request(inputs.scenario, lc, settings.max_upload_bytes, zones,
                                canon=canon, layers=layers.sources(), soil=inputs.soil)

    def diagram(self, res: Any, key: str, zone_id: str, lang: str = "both"
                ) -> dict[str, Any]:
        from naturkapital.report.diagram import nki_figure
        from naturkapital.report.nki_diagram import scenario_diagram_pair

        def make() -> dict[str, Any]:
            before, after = scenario_diagram_pair(res, zone_id, lang)
            with _PLOT_LOCK:
                svg_b = _svg(nki_figure(before, lang=lang))
                svg_a = _svg(nki_figure(after, second=before, lang=lang))
            return {"zone_id": zone_id, "name": res.names[zone_id],
                    "nki_before": finite_or_none(res.value(zone_id, "nki", "baseline")),
                    "nki_after": finite_or_none(res.value(zone_id, "nki", "scenario")),
                    "before_svg": svg_b, "after_svg": svg_a}

        return self._diagrams.get((key, zone_id, lang), make)

    def evaluation(self, body: Any, settings: Settings) -> dict[str, Any]:
        """The editor's answer (:class:`Evaluation`) to ``body`` (:data:`EvaluateIn`)."""
        from naturkapital.scenario.evaluate import INDICATORS

        res, key = self.result_for(body, settings)
        zone = body.zone_id or res.main_zone()
        if zone not in res.names:
            raise InputError("zone_id", f"zone {zone!r} is not in the result (zones: "
                                        f"{', '.join(res.names)})")
        doc = res.to_dict(body.scenario if isinstance(body.scenario, str) else "upload")
        doc["meta"]["epoch"] = epoch_of(body.landcover, body.year)
        conv = res.conversions.copy()
        conv["note"] = conv["note"].fillna("").astype(str) if "note" in conv else ""
        out = {
            **doc,
            "indicators": [{"key": i.key, "unit": i.unit, "da": i.da, "en": i.en}
                           for i in INDICATORS],
            "conversions": _fc_4326(conv, CONVERSION_COLUMNS),
            "diagram": self.diagram(res, key, zone, body.lang),
            "project": None,
        }
        if body.project and body.zone_id != PROJECT_ID:
            pres, pkey = self.result_for(body, settings, project=True)
            rows = [r for r in pres.to_dict()["table"] if r[ZONE_ID] == PROJECT_ID]
            out["project"] = {"zone_id": PROJECT_ID, "name": pres.names[PROJECT_ID],
                              "area_ha": float(pres.zones.to_crs(25832).area.sum() / 1e4),
                              "table": rows, "diagram": self.diagram(pres, pkey, PROJECT_ID,
                                                                body.lang)}
        return browser_advice(out)


#: Command-line advice in the evaluation's notes, and what to do in the editor instead.
BROWSER_ADVICE: tuple[tuple[str, str], ...] = (
    ("give --carbon (OC % raster, e.g. Kulstof 2022) or an oc_pct field on the conversions.",
     "upload an organic-carbon map (OC %, GeoTIFF, e.g. Kulstof 2022) under 'Tjenestelag "
     "(service layers)', or give oc_pct on the conversions."),
    ("given (--groundwater).", "given: upload groundwater-protection areas under "
                               "'Tjenestelag (service layers)'."),
    ("give --carbon or oc_pct", "upload an organic-carbon map (Tjenestelag / service layers) "
                                "or give oc_pct"),
    ("no --carbon raster", "no organic-carbon map uploaded"),
    ("--water-table", "a water-table map"), ("--peat-depth", "a peat-depth map"),
    ("--carbon", "the organic-carbon map"), ("--groundwater", "the groundwater layer"),
)


def browser_advice(doc: Any) -> Any:
    """``doc`` with command-line advice in its texts replaced by what to do in the web
    editor (the service layers are uploaded there)."""
    if isinstance(doc, str):
        for old, new in BROWSER_ADVICE:
            doc = doc.replace(old, new)
        return doc
    if isinstance(doc, dict):
        return {k: (v if k.endswith("_svg") else browser_advice(v)) for k, v in doc.items()}
    if isinstance(doc, list):
        return [browser_advice(v) for v in doc]
    return doc


PROJECT_ID = "P"
PROJECT_NAME = "Projektområde (project area)"


def project_zones(conversions: gpd.GeoDataFrame) -> Zones:
    """The scenario's own polygons, dissolved, as one zone ``P`` (the project area)."""
    import shapely

    from naturkapital.io.vectors import ZONE_NAME
    from naturkapital.nki.compute import Zones

    geom = shapely.union_all(conversions.to_crs(25832).geometry.values)
    gdf = gpd.GeoDataFrame({ZONE_ID: [PROJECT_ID], ZONE_NAME: [PROJECT_NAME]},
                           geometry=[geom], crs="EPSG:25832")
    return Zones(gdf, "the scenario's polygons (project area)", frozenset({PROJECT_ID}),
                 PROJECT_NAME)


TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


class LayerFiles:
    """The editor's optional service layers as bytes with the user's file names:
    ``carbon`` (organic carbon % GeoTIFF) and ``groundwater`` (protection polygons,
    GeoJSON or GeoPackage). Checked by :meth:`sources`; errors name the user's file."""

    def __init__(self, carbon: tuple[bytes, str] | None = None,
                 groundwater: tuple[bytes, str] | None = None, max_cells: int = 16_000_000
                 ) -> None:
        self.carbon = carbon
        self.groundwater = groundwater
        self.max_cells = max_cells

    @classmethod
    def of(cls, carbon: Any, groundwater: Any, max_bytes: int,
           max_cells: int = 16_000_000) -> LayerFiles:
        """From HTTP values (qualified values, base64 text, a GeoJSON object)."""
        from naturkapital.server.rest import input_file

        def get(value: Any, name: str, default: str) -> tuple[bytes, str] | None:
            if value is None or value == "":
                return None
            data, fname = input_file(value, name, default)
            shown = display_name(fname)
            if len(data) > max_bytes:
                raise InputError(name, f"{shown}: the file is over the upload limit of "
                                       f"{max_bytes / 1e6:.1f} MB")
            return data, shown

        return cls(get(carbon, "carbon", "carbon.tif"),
                   get(groundwater, "groundwater", "groundwater.geojson"), max_cells)

    def digest(self) -> str:
        h = hashlib.sha256()
        for part in (self.carbon, self.groundwater):
            h.update(b"-" if part is None else hashlib.sha256(part[0]).digest())
        return h.hexdigest()

    def sources(self) -> dict[str, InMemory]:
        """The layers as in-memory files named as the user's files, checked as
        :mod:`naturkapital.io` checks any file (and the carbon layer as a GeoTIFF within
        the cell limit)."""
        from naturkapital.io.rasters import check_raster_file

        out: dict[str, InMemory] = {}
        if self.carbon is not None:
            data, shown = self.carbon
            if not data.startswith(TIFF_MAGIC):
                raise InputError("carbon", f"{shown}: the organic-carbon layer must be a "
                                           "GeoTIFF (.tif)")
            out["carbon"] = InMemory(data, shown)
            try:
                check_raster_file(out["carbon"], "organic-carbon raster", self.max_cells,
                                  shown, driver="GTiff")
            except InputError as exc:  # also TooLargeError
                raise InputError("carbon", exc.problem if exc.source == shown else str(exc)
                                 ) from None
        if self.groundwater is not None:
            data, shown = self.groundwater
            try:
                fmt = sniff(data, shown)
                if fmt == "geojson":
                    check_crs_member(json.loads(data))
            except (UploadError, ValueError) as exc:
                raise InputError("groundwater", getattr(exc, "detail", str(exc))) from None
            out["groundwater"] = InMemory(data, shown)
        return out


def evaluate_request(scenario: str | dict[str, Any], lc: Landcover, max_bytes: int,
                     zones: Zones | None = None, canon: str | None = None,
                     layers: dict[str, InMemory] | None = None,
                     soil: str = "national") -> ScenarioResult:
    """Evaluate a scenario given in a request — a demo name or a GeoJSON FeatureCollection
    — for the editor's ``POST /api/scenario/evaluate`` and the ``scenario-evaluate``
    process alike. The collection is checked (1 to :data:`MAX_CONVERSIONS` features,
    under ``max_bytes`` as ``canon``, its JSON text; only a named CRS) and read against
    the land cover's scheme; every problem is an ``InputError`` on ``scenario`` that
    shows no server path. ``layers``: checked ``carbon`` and ``groundwater`` files
    (:meth:`LayerFiles.sources`); ``soil``: the nitrogen-leaching table (national, sand,
    clay). Everything is read in memory. Returns the ScenarioResult."""
    from naturkapital.scenario.evaluate import evaluate_scenario
    from naturkapital.scenario.read import read_scenario

    lay = layers or {}
    extra = {"carbon": lay.get("carbon"), "groundwater_layer": lay.get("groundwater"),
             "soil": soil}

    if isinstance(scenario, str):
        if lc.scheme.name != _landcover("basemap2021").scheme.name:
            raise InputError("landcover", "the demo scenarios use Basemap04 classes; "
                                          "evaluate them on basemap2021")
        try:
            return evaluate_scenario(scenario, lc, zones=zones, **extra)
        except InputError as exc:
            raise _layer_or_scenario(exc, lay) from None
    data = (canon if canon is not None else json.dumps(scenario)).encode("utf-8")
    if len(data) > max_bytes:
        raise InputError("scenario", f"over the upload limit of {max_bytes / 1e6:.1f} MB")
    if scenario.get("type") != "FeatureCollection":
        raise InputError("scenario", "must be a GeoJSON FeatureCollection (or a demo name)")
    feats = scenario.get("features")
    if not isinstance(feats, list) or not feats:
        raise InputError("scenario", "the FeatureCollection has no features; draw or "
                                     "upload at least one polygon")
    if len(feats) > MAX_CONVERSIONS:
        raise InputError("scenario", f"{len(feats)} conversions; at most {MAX_CONVERSIONS}")
    try:
        check_crs_member(scenario)  # GDAL would fetch a 'link' CRS
    except ValueError as exc:
        raise InputError("scenario", str(exc)) from None
    conversions = InMemory(data, "scenario")
    try:
        read_scenario(conversions, lc.scheme)
    except InputError as exc:
        raise InputError("scenario", exc.problem) from None
    except Exception as exc:  # malformed content GDAL/GEOS could not handle
        raise InputError("scenario", "cannot read the scenario ("
                         + error_text(exc, "scenario") + ")") from None
    try:
        return evaluate_scenario(conversions, lc, zones=zones, **extra)
    except InputError as exc:
        raise _layer_or_scenario(exc, lay) from None


def _layer_or_scenario(exc: InputError, layers: dict[str, InMemory]) -> InputError:
    """An evaluation error on the input it is about: a layer (named as the user's file)
    or the scenario."""
    for key, f in layers.items():
        if exc.source == f.name:
            return InputError(key, f"{f.name}: {exc.problem}")
    return InputError("scenario", exc.problem)


# ---------------------------------------------------------------- routes
def _svc(request: Request) -> ScenarioService:
    return request.app.state.scenario_editor


@router.get("/landcover/classes", response_model=LandcoverClasses, tags=["scenarios"],
            summary="Classes of a land cover's scheme (the 'to_class' of a conversion)",
            responses=responses(422))
def landcover_classes(
    request: Request,
    landcover: Annotated[Literal["basemap2021", "corine"], Query()] = "basemap2021",
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> dict[str, Any]:
    return _svc(request).classes(epoch_of(landcover, year))


@router.get("/scenario/demos", response_model=list[DemoInfo],
            summary="The embedded demo scenarios (BioScape pilots, illustrations)")
def scenario_demos(request: Request) -> list[dict[str, Any]]:
    return _svc(request).demos()


@router.get("/scenario/demos/{demo}", summary="A demo scenario's conversions (GeoJSON, "
                                              "EPSG:4326)",
            responses={200: {"content": {"application/geo+json": {"schema": {
                "type": "object"}}}, "description": "GeoJSON FeatureCollection"},
                **responses(422)})
def scenario_demo(request: Request, demo: DemoKey) -> Response:
    return Response(_svc(request).demo_geojson(demo), media_type="application/geo+json")


@router.post("/scenario/read", summary="Read and check a scenario file (GeoJSON or "
                                       "GeoPackage with to_class); its conversions in "
                                       "EPSG:4326",
             responses={200: {"content": {"application/json": {"schema": {
                 "type": "object"}}}, "description": "File name, epoch, conversions"},
                 **responses(413, 415, 422)})
async def scenario_read(
    request: Request,
    file: Annotated[UploadFile, File(description="Conversion polygons with field to_class "
                                                 "(.geojson, .gpkg; any CRS)")],
    landcover: Annotated[ScenarioLandcover, Form()] = "basemap2021",
) -> dict[str, Any]:
    settings = request.app.state.settings
    data = await file.read(settings.max_upload_bytes + 1)
    name = file.filename

    def run() -> dict[str, Any]:
        try:
            return _svc(request).read_file(data, name, landcover, settings.max_upload_bytes)
        except UploadError as exc:
            raise ApiError(exc.status, exc.detail) from None

    return await run_in_threadpool(run)


@router.post("/scenario/evaluate", response_model=Evaluation,
             summary="Evaluate a scenario: services and NKI per zone, before and after",
             description="The scenario-evaluate process (POST /processes/scenario-evaluate/"
                         "execution: the same inputs and the same cached evaluation as "
                         "'naturkapital scenario evaluate') plus the NKI diagram before and "
                         "after for one zone (zone_id) and the project area (project). "
                         "Public; nothing is stored (save with POST /api/scenarios).",
             responses=responses(400, 413, 422))
async def scenario_evaluate(request: Request, body: EvaluateIn) -> Response:
    settings = request.app.state.settings
    doc = await run_in_threadpool(_svc(request).evaluation, body, settings)
    return Response(json.dumps(doc, ensure_ascii=False, allow_nan=False).encode("utf-8"),
                    media_type="application/json")

