"""Danish texts of the server's user errors: one catalogue of English message patterns
and their Danish templates.

The models raise ``InputError`` in English (the command line's language); the web app
shows one language at a time, so every problem document carries ``detail_da`` and
``detail_en``. :func:`to_danish` translates a message by its parts: the user's file or
the parameter named in front (``"zones: mine.geojson: the file is empty"``) is kept, the
sentence after it is matched against :data:`RULES` (regular expressions with named
groups for file names, numbers and values, which the Danish template repeats).
Technical text quoted from a library (a JSON parser's or GDAL's own words) stays in
parentheses, as the English message has it.

A message with no rule is answered with a Danish sentence naming the kind of problem
and the English text marked as such (and logged), never silently as English.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

log = logging.getLogger("naturkapital.server")

#: A rule: an English pattern (matched in full) and the Danish template (``str.format``
#: with the pattern's named groups) or a function of the match.
Rule = tuple[str, str | Callable[[re.Match[str]], str]]


def _alternatives(text: str) -> str:
    """``'a', 'b' or 'c'`` / ``1990, 2000 or 2006`` → the same list with ``eller``."""
    return re.sub(r" or ", " eller ", re.sub(r" and ", " og ", text))


def _tr(m: re.Match[str], group: str) -> str:
    """A group of the match translated itself (a nested message), else as it is."""
    text = m.group(group)
    return to_danish(text, fallback=False) or text


RULES: tuple[Rule, ...] = (
    # ---- request validation (pydantic's messages after "body parameter 'x': ")
    (r"Input should be (?P<v>[^;]+)", lambda m: "skal være " + _value_da(m.group("v"))),
    (r"Field required", "mangler (skal angives)"),
    (r"String should match pattern '(?P<p>.*)'", "skal passe til mønsteret '{p}'"),
    (
        r"String should have at (?P<w>least|most) (?P<n>\d+) characters?",
        lambda m: f"skal have {'mindst' if m['w'] == 'least' else 'højst'} {m['n']} tegn",
    ),
    (
        r"List should have at (?P<w>least|most) (?P<n>\d+) items? after validation, not "
        r"(?P<k>\d+)",
        lambda m: (
            f"skal have {'mindst' if m['w'] == 'least' else 'højst'} "
            f"{m['n']} element(er), ikke {m['k']}"
        ),
    ),
    (r"Value error, (?P<rest>.+)", lambda m: _tr(m, "rest")),
    (r"Extra inputs are not permitted", "kendes ikke (ekstra felt)"),
    (r"JSON input should be string, bytes or bytearray", "skal være JSON-tekst"),
    (r"not a valid GeoJSON Polygon: (?P<why>.+)", "er ikke en gyldig GeoJSON-polygon ({why})"),
    (r"There was an error parsing the body", "forespørgslens indhold kan ikke læses"),
    (
        r"the request body is not valid JSON(?P<why> \(.*\))?",
        lambda m: "forespørgslens indhold er ikke gyldig JSON" + (m["why"] or ""),
    ),
    (r"invalid request", "ugyldig forespørgsel"),
    (
        r"request body over the limit of (?P<n>[\d,]+) bytes",
        lambda m: f"forespørgslen er over grænsen på {m['n'].replace(',', '.')} byte",
    ),
    # ---- routes, OGC API, security
    (
        r"method (?P<m>\w+) not allowed here; allowed: (?P<a>.*)",
        "metoden {m} er ikke tilladt her; tilladt: {a}",
    ),
    (
        r"not found: no such page or API path \(see /docs\)",
        "findes ikke: ingen side eller API-sti med den adresse (se /docs)",
    ),
    (r"no process '(?P<p>.*)'; see /processes", "ingen proces '{p}'; se /processes"),
    (r"no job '(?P<j>.*)'", "intet job '{j}'"),
    (r"results not ready: the job is (?P<s>\w+)", "resultatet er ikke klar: jobbet er {s}"),
    (r"the job failed: (?P<why>.+)", lambda m: "jobbet fejlede: " + _tr(m, "why")),
    (
        r"unknown output\(s\) (?P<u>\[.*\]); outputs: (?P<o>\[.*\])",
        "ukendte output {u}; mulige output: {o}",
    ),
    (r"no stored result '(?P<r>.*)'", "intet gemt resultat '{r}'"),
    (r"no scenario '(?P<s>.*)'", "intet scenarie '{s}'"),
    (
        r"this result has no stored zones; use format=csv",
        "dette resultat har ingen gemte zoner; brug format=csv",
    ),
    (
        r"this endpoint writes to the database: send the token as 'Authorization: Bearer "
        r"TOKEN'",
        "denne adresse skriver i databasen: send adgangsnøglen som 'Authorization: Bearer TOKEN'",
    ),
    (
        r"writes are disabled on this server \(start it with --token or NATURKAPITAL_TOKEN\)",
        "skrivning er slået fra på denne server (start den med --token eller NATURKAPITAL_TOKEN)",
    ),
    (
        r"unexpected server error; the administrator can see it in the server log",
        "uventet fejl på serveren; administratoren kan se den i serverens log",
    ),
    (
        r"unknown zone id '(?P<z>.*)' \(municipality codes such as 563 for Fanø; 0 = "
        r"Denmark\)",
        "ukendt zone '{z}' (kommunekoder som 563 for Fanø; 0 = hele landet)",
    ),
    (
        r"unknown municipality code '(?P<z>.*)' \(e\.g\. 630 for Vejle\)",
        "ukendt kommunekode '{z}' (fx 630 for Vejle)",
    ),
    (
        r"unknown kommune code '(?P<z>.*)' \(embedded municipalities, e\.g\. (?P<e>.*)\)",
        "ukendt kommunekode '{z}' (indlejrede kommuner, fx {e})",
    ),
    (r"unknown kommune code '(?P<z>[^']*)'(?P<rest>.*)", "ukendt kommunekode '{z}'{rest}"),
    (
        r"unknown kommune code (?P<z>\S+) \(not among the embedded municipalities, e\.g\. "
        r"(?P<e>.*)\)",
        "ukendt kommunekode {z} (ikke blandt de indlejrede kommuner, fx {e})",
    ),
    (
        r"no nature patch of at least (?P<n>\S+) ha in the area \(forest, dry or wet "
        r"nature, lakes\)",
        "intet naturområde på mindst {n} ha i området (skov, tør eller våd natur, søer)",
    ),
    (
        r"upload a zone file \(the embedded municipalities are at GET /api/nki\)",
        "upload en zonefil (de indlejrede kommuner findes på GET /api/nki)",
    ),
    (r"upload a parcel file", "upload en fil med marker"),
    (r"unknown epoch (?P<e>.+)", "ukendt årgang {e}"),
    (r"no CRS", "intet koordinatsystem (CRS)"),
    (r"must be a whole number, not (?P<v>.+)", "skal være et helt tal, ikke {v}"),
    (r"mediaType must be (?P<a>\S+), not (?P<b>.+)", "mediaType skal være {a}, ikke {b}"),
    (r"give the file as base64 text (?P<rest>.*)", "angiv filen som base64-tekst {rest}"),
    (r"not valid base64", "er ikke gyldig base64"),
    (
        r"(?P<t>[^:]+?) is not on the grid of (?P<f>[^:]+?)(?P<why> \(.*\))?(?:; (?P<rest>.*))?",
        lambda m: (
            f"{_what(m['t'])} ligger ikke på samme gitter som {_what(m['f'])}"
            f"{m['why'] or ''}; kortene kan ikke sammenlignes celle for celle"
        ),
    ),
    (r"over HTTP the city must be one of (?P<c>.+)", "over HTTP skal byen være en af {c}"),
    # ---- uploaded files (io/vectors, server/uploads, scenario editor)
    (r"the file is empty", "filen er tom"),
    (r"the file has no geometries", "filen har ingen geometrier"),
    (
        r"the file is over the upload limit of (?P<n>[\d.]+) MB",
        lambda m: f"filen er over upload-grænsen på {_num(m['n'])} MB",
    ),
    (
        r"the file is larger than (?P<n>[\d.]+) MB",
        lambda m: f"filen er større end {_num(m['n'])} MB",
    ),
    (
        r"over the upload limit of (?P<n>[\d.]+) MB",
        lambda m: f"over upload-grænsen på {_num(m['n'])} MB",
    ),
    (
        r"not a GeoJSON or GeoPackage file \(upload \.geojson or \.gpkg polygons\)",
        "ikke en GeoJSON- eller GeoPackage-fil (upload polygoner som .geojson eller .gpkg)",
    ),
    (r"give GeoJSON or a GeoPackage \((?P<s>.*)\)", "giv GeoJSON eller en GeoPackage ({s})"),
    (r"not valid JSON(?P<why> \(.*\))?", lambda m: "er ikke gyldig JSON" + (m["why"] or "")),
    (
        r"the JSON is nested too deeply to be GeoJSON",
        "JSON-indholdet er indlejret for dybt til at være GeoJSON",
    ),
    (
        r"unsupported 'crs' member: use (?P<j>\{.*\}) \(an EPSG code\), or leave it out for "
        r"EPSG:4326",
        "'crs'-feltet understøttes ikke: brug {j} (en EPSG-kode), eller udelad det for EPSG:4326",
    ),
    (
        r"GeoJSON must be a FeatureCollection or a Feature, not (?P<t>.+)",
        "GeoJSON skal være en FeatureCollection eller en Feature, ikke {t}",
    ),
    (
        r"must be a GeoJSON FeatureCollection \(or a demo name\)",
        "skal være en GeoJSON FeatureCollection (eller navnet på et eksempel)",
    ),
    (
        r"the FeatureCollection has no features; (?P<rest>.*)",
        "FeatureCollection'en har ingen objekter; tegn eller upload mindst én polygon",
    ),
    (
        r"(?P<n>\d+) feature\(s\) have no geometry \(null or empty\), first (?P<f>.*); draw it "
        r"or delete the feature",
        "{n} objekt(er) har ingen geometri (null eller tom), første "
        "{f}; tegn den eller slet objektet",
    ),
    (r"feature #(?P<n>\d+) has no geometry", "objekt nr. {n} har ingen geometri"),
    (r"zones must be polygons, found (?P<t>.+)", "zoner skal være polygoner, fandt {t}"),
    (
        r"the file has no attribute fields; add one that identifies each zone",
        "filen har ingen attributfelter; tilføj et, der identificerer hver zone",
    ),
    (
        r"field '(?P<f>.*)' not found \(fields: (?P<l>.*)\); give each polygon the class code "
        r"it becomes",
        "feltet '{f}' findes ikke (felter: {l}); giv hver polygon koden for den "
        "klasse, den bliver til",
    ),
    (
        r"field '(?P<f>.*)' not found \(fields: (?P<l>.*)\)",
        "feltet '{f}' findes ikke (felter: {l})",
    ),
    (r"(?P<n>\d+) zones; at most (?P<k>\d+) per upload", "{n} zoner; højst {k} pr. upload"),
    (r"(?P<n>\d+) conversions; at most (?P<k>\d+)", "{n} omlægninger; højst {k}"),
    (
        r"no zone overlaps the land-cover raster (?P<r>\S+) \(check the CRS and extent\)",
        "ingen zone overlapper arealdækningskortet {r} (tjek koordinatsystem og udstrækning)",
    ),
    (
        r"cannot read as a vector file(?P<why> \(.*\))?",
        lambda m: "kan ikke læses som vektorfil" + (m["why"] or ""),
    ),
    (
        r"cannot read the scenario(?P<why> \(.*\))?",
        lambda m: "scenariet kan ikke læses" + (m["why"] or ""),
    ),
    (
        r"the organic-carbon layer must be a GeoTIFF \(\.tif\)",
        "kulstoflaget skal være en GeoTIFF (.tif)",
    ),
    (
        r"the demo scenarios use Basemap04 classes; (?P<rest>.*)",
        "eksempel-scenarierne bruger Basemap04-klasser; vælg Basemap 2021",
    ),
    (
        r"zone '(?P<z>.*)' is not in the result \(zones: (?P<l>.*)\)",
        "zonen '{z}' er ikke i resultatet (zoner: {l})",
    ),
    (r"the file has no features \(empty file\)", "filen har ingen objekter (tom fil)"),
    (
        r"invalid geometry in (?P<n>\d+) feature\(s\), first (?P<f>.+?): (?P<why>.+) \(repair "
        r"it, e\.g\. QGIS 'Fix geometries'\)",
        "ugyldig geometri i {n} objekt(er), første {f}: "
        "{why} (ret den, fx med QGIS 'Fix geometries')",
    ),
    (
        r"(?P<n>\d+) feature\(s\) have no value in id field '(?P<f>.*)'",
        "{n} objekt(er) har ingen værdi i id-feltet '{f}'",
    ),
    (
        r"zone id 0 in '(?P<f>.*)' is reserved for the national \(all zones\) row; renumber that "
        r"zone",
        "zone-id 0 i '{f}' er forbeholdt landsrækken (alle zoner); giv zonen et andet nummer",
    ),
    (
        r"no CRS \(coordinate reference system\) is set; define one, e\.g\. EPSG:25832, in QGIS "
        r"or with ogr2ogr -a_srs",
        "intet koordinatsystem (CRS) er angivet; angiv et, fx "
        "EPSG:25832, i QGIS eller med ogr2ogr -a_srs",
    ),
    (
        r"(?P<what>parcels|conversions) must be polygons, found (?P<t>.+)",
        lambda m: (
            f"{'markerne' if m['what'] == 'parcels' else 'omlægningerne'} skal være "
            f"polygoner, fandt {m['t']}"
        ),
    ),
    (r"feature (?P<f>.+) has no geometry", "objektet {f} har ingen geometri"),
    (
        r"to_class of feature #(?P<n>\d+) must be a class code \(an integer\); found (?P<v>.+)",
        "to_class i objekt nr. {n} skal være en klassekode (et helt tal); fandt {v}",
    ),
    (
        r"to_class (?P<v>\S+) is not a class of scheme '(?P<s>.*)' \(feature #(?P<n>\d+)\); "
        r"classes: (?P<c>.+)",
        "to_class {v} er ikke en klasse i skemaet '{s}' (objekt nr. {n}); klasser: {c}",
    ),
    (
        r"field '(?P<f>.*)' must hold numbers; found (?P<v>.+)",
        "feltet '{f}' skal indeholde tal; fandt {v}",
    ),
    (
        r"field '(?P<f>.*)' must say whether the parcel is in rotation \(ja/nej, yes/no, 1/0\); "
        r"found (?P<v>.+)",
        "feltet '{f}' skal angive, om marken er i omdrift (ja/nej, yes/no, 1/0); fandt {v}",
    ),
    (
        r"synergy points must be 0–23; parcel (?P<p>.+) has (?P<v>.+)",
        "synergipoint skal være 0–23; marken {p} har {v}",
    ),
    (
        r"peat depth must be cm ≥ 0; found (?P<v>.+) inside the parcels \(set the nodata "
        r"value\?\)",
        "tørvedybden skal være cm ≥ 0; fandt {v} inden for markerne (angiv nodata-værdien?)",
    ),
    (
        r"carbon raster values must be organic carbon in % \(0–100\); found (?P<a>.+) to "
        r"(?P<b>.+) inside the parcels \(g/kg\? class codes\? set the nodata value\?\)",
        "kulstofkortets værdier skal være organisk kulstof i % (0–100); fandt {a} til {b} inden "
        "for markerne (g/kg? klassekoder? angiv nodata-værdien?)",
    ),
    (
        r"the (?P<what>[^:]+?) has no data inside any (?P<w>parcel|zone) \(every cell there is "
        r"nodata\); check (?:the|its) nodata value and (?:the )?extent",
        lambda m: (
            f"{_what(m['what'])} har ingen data inden for "
            f"{'nogen mark' if m['w'] == 'parcel' else 'nogen zone'} (alle celler dér er "
            "nodata); tjek nodata-værdien og udstrækningen"
        ),
    ),
    (
        r"every parcel lies outside the (?P<what>[^:]+?) (?P<f>\S+) \(outside the area it "
        r"covers, e\.g\. in the sea or another municipality; check the CRS and extent\)",
        lambda m: (
            f"alle marker ligger uden for {_what(m['what'])} {m['f']} (uden for det "
            "område, kortet dækker, fx i havet eller en anden kommune; tjek "
            "koordinatsystem og udstrækning)"
        ),
    ),
    (
        r"only nodata inside the zones \(no mapped cells\); check the zones and the raster's "
        r"nodata value",
        "kun nodata inden for zonerne (ingen kortlagte celler); tjek zonerne og "
        "rasterets nodata-værdi",
    ),
    (
        r"class code\(s\) (?P<c>.+) are not in scheme '(?P<s>.*)'; add them to the scheme CSV",
        "klassekode(r) {c} findes ikke i skemaet '{s}'; tilføj dem til skema-CSV'en",
    ),
    (
        r"cannot read as an? (?P<what>[^(]+?)(?P<why> \(.*\))?",
        lambda m: f"kan ikke læses som {_what(m['what'])}" + (m["why"] or ""),
    ),
    (
        r"(?P<what>file|[^:]+? raster) is an? (?:GDAL|OGR) virtual (?:vector file|raster) "
        r"\(VRT\), which points at other files or services; give the data itself, e\.g\. a "
        r"GeoTIFF or GeoPackage(?P<rest>.*)",
        "filen er en virtuel fil (VRT), som peger på andre filer eller tjenester; giv selve "
        "dataene, fx en GeoTIFF eller GeoPackage",
    ),
    (
        r"(?P<what>file|[^:]+? raster) is an? \S+ service description, which points at other "
        r"files or services; give the data itself, e\.g\. a GeoTIFF or GeoPackage",
        "filen beskriver en tjeneste, som peger på andre filer eller tjenester; giv selve "
        "dataene, fx en GeoTIFF eller GeoPackage",
    ),
    (
        r"URLs and /vsi… paths are not read \(network access is disabled\); download the file "
        r"and give its local path",
        "adresser og /vsi…-stier læses ikke (netværksadgang er slået "
        "fra); hent filen og giv dens lokale sti",
    ),
    (r"(?P<what>[^:]+?) not found", lambda m: f"{_what(m['what'])} findes ikke"),
    # ---- numbers (core/numbers.check_number)
    (r"must be a number, not (?P<v>.+)", "skal være et tal, ikke {v}"),
    (r"must be a finite number, not (?P<v>.+)", "skal være et endeligt tal, ikke {v}"),
    (
        r"must be (?P<b>(?:above|at least|below|at most) \S+(?: and (?:above|at least|below|"
        r"at most) \S+)*), not (?P<v>.+)",
        lambda m: f"skal være {_bounds(m['b'])}, ikke {m['v']}",
    ),
    (r"no parcel with (?P<f>\S+) = (?P<v>.+)", "ingen mark med {f} = {v}"),
    # ---- land cover and epochs
    (
        r"CORINE is embedded for (?P<y>[\d, ]+), not (?P<v>.+)",
        "CORINE er indlejret for {y}, ikke {v}",
    ),
    (
        r"must be one of (?P<y>.+), not (?P<v>[^,]+)",
        lambda m: f"skal være en af {_alternatives(m['y'])}, ikke {m['v']}",
    ),
    # ---- rasters (io/rasters)
    (
        r"(?P<what>[^:]+?) has no CRS \(coordinate reference system\); assign one, e\.g\. "
        r"(?P<cmd>.+)",
        lambda m: f"{_what(m['what'])} har intet koordinatsystem (CRS); tildel et, fx {m['cmd']}",
    ),
    (
        r"the (?P<what>[^:]+?) must be a GeoTIFF \(\.tif\)",
        lambda m: f"{_what(m['what'])} skal være en GeoTIFF (.tif)",
    ),
    (
        r"(?P<what>[^:]+?) is truncated or damaged: cell block (?P<b>\S+) lies beyond the end "
        r"of the file \((?P<n>[\d,]+) bytes\); copy it again",
        lambda m: (
            f"{_what(m['what'])} er afkortet eller beskadiget: celleblok {m['b']} ligger "
            f"efter filens slutning ({m['n'].replace(',', '.')} byte); kopier den igen"
        ),
    ),
    (
        r"(?P<what>[^:]+?) is in geographic coordinates \((?P<crs>.*)\); use a projected CRS in "
        r"metres such as EPSG:25832",
        lambda m: (
            f"{_what(m['what'])} er i geografiske koordinater ({m['crs']}); brug et "
            "projiceret koordinatsystem i meter som EPSG:25832"
        ),
    ),
    (r"(?P<what>[^:]+?) has no band", lambda m: f"{_what(m['what'])} har intet bånd"),
    (
        r"(?P<what>[^:]+?) has (?P<n>\d+) band\(s\); band (?P<b>\d+) does not exist",
        lambda m: f"{_what(m['what'])} har {m['n']} bånd; bånd {m['b']} findes ikke",
    ),
    (
        r"(?P<what>[^:]+?) has (?P<c>[\d,]+) cells \((?P<w>[\d,]+) × (?P<h>[\d,]+)\), over the "
        r"budget of (?P<k>[\d,]+); clip or resample it, or raise (?P<env>\w+)",
        lambda m: (
            f"{_what(m['what'])} har {_int(m['c'])} celler ({_int(m['w'])} × "
            f"{_int(m['h'])}), over grænsen på {_int(m['k'])}; klip eller omsampl det, "
            f"eller hæv {m['env']}"
        ),
    ),
)

#: The rasters' names in messages (``io/rasters`` describes each by what it holds).
WHAT_DA: dict[str, str] = {
    "carbon raster (organic carbon %)": "kulstofkortet (organisk kulstof %)",
    "water-table raster (m below surface)": "grundvandsstandskortet (m under terræn)",
    "peat-depth raster (m)": "tørvedybdekortet (m)",
    "water-table raster (GVSmax cm)": "grundvandsstandskortet (GVSmax cm)",
    "peat-depth raster (cm)": "tørvedybdekortet (cm)",
    "land-cover raster": "arealdækningskortet",
    "carbon raster": "kulstofkortet",
    "organic-carbon raster": "kulstofkortet",
    "water-table raster": "grundvandsstandskortet",
    "peat-depth raster": "tørvedybdekortet",
    "canopy raster": "trækronekortet",
    "bioscore raster": "bioscore-kortet",
    "raster": "rasteret",
    "file": "filen",
    "scheme": "skemaet",
    "rules table": "regeltabellen",
    "published-NKI table": "tabellen med offentliggjort NKI",
}


def _what(text: str) -> str:
    """A raster or table as the messages name it (``the carbon raster carbon.tif``)."""
    key = text.removeprefix("the ").strip()
    if key in WHAT_DA:
        return WHAT_DA[key]
    head, _, name = key.rpartition(" ")
    if head in WHAT_DA and "." in name:
        return f"{WHAT_DA[head]} {name}"
    return f"«{key}»"


def _bounds(text: str) -> str:
    """``above 0 and at most 200`` → ``over 0 og højst 200``."""
    words = {"above": "over", "at least": "mindst", "below": "under", "at most": "højst"}
    return " og ".join(
        next(f"{da}{b[len(en) :]}" for en, da in words.items() if b.startswith(en))
        for b in text.split(" and ")
    )


def _int(text: str) -> str:
    """A whole number with Danish thousands separators (``12,345`` → ``12.345``)."""
    return text.replace(",", ".")


def _num(text: str) -> str:
    """A decimal number in the Danish way (decimal comma)."""
    return text.replace(".", ",")


def _value_da(text: str) -> str:
    """The tail of pydantic's "Input should be …"."""
    fixed = {
        "a finite number": "et endeligt tal",
        "a valid integer, unable to parse string as an integer": "et helt tal",
        "a valid integer": "et helt tal",
        "a valid number, unable to parse string as a number": "et tal",
        "a valid number": "et tal",
        "a valid dictionary": "et JSON-objekt",
        "a valid dictionary or object to extract fields from": "et JSON-objekt",
        "a valid string": "en tekst",
        "a valid list": "en liste",
        "a valid boolean": "sand eller falsk (true/false)",
        "a valid boolean, unable to interpret input": "sand eller falsk (true/false)",
    }
    if text in fixed:
        return fixed[text]
    for en, da in (
        ("greater than or equal to ", "mindst "),
        ("less than or equal to ", "højst "),
        ("greater than ", "større end "),
        ("less than ", "mindre end "),
    ):
        if text.startswith(en):
            return da + text[len(en) :]
    return _alternatives(text)


_COMPILED = [(re.compile(p, re.S), t) for p, t in RULES]

#: A leading part naming the file or parameter: ``"zones: "``, ``"mine.geojson: "``,
#: ``"body parameter 'year': "``, ``"input 'top': "``.
_PREFIX = re.compile(
    r"(?P<p>(?:body|query|path|header|cookie) parameter '[^']*'|"
    r"input '[^']*'|land cover|[^\s:;'\"(){}]+(?: [^\s:;'\"(){}]+)*?\.\w{2,7}|"
    r"[^\s:;'\"(){}]+): (?P<rest>.+)",
    re.S,
)
_PLACE_DA = {
    "body": "parameteren",
    "query": "parameteren",
    "path": "stien",
    "header": "headeren",
    "cookie": "cookien",
}

#: Danish lead-ins for a message no rule knows (the kind of problem, by status).
LEAD_DA = {
    400: "Ugyldig forespørgsel",
    401: "Log ind med adgangsnøglen",
    403: "Ingen adgang",
    404: "Findes ikke",
    405: "Metoden er ikke tilladt",
    413: "For stor",
    415: "Filtypen understøttes ikke",
    422: "Ugyldigt input",
    500: "Uventet fejl",
}


def _rule(text: str) -> str | None:
    for pat, tmpl in _COMPILED:
        m = pat.fullmatch(text)
        if m:
            return tmpl(m) if callable(tmpl) else tmpl.format(**m.groupdict(""))
    return None


def _prefix_da(prefix: str) -> str:
    m = re.fullmatch(r"(\w+) parameter ('[^']*')", prefix)
    if m:
        return f"{_PLACE_DA.get(m.group(1), 'parameteren')} {m.group(2)}"
    return {"land cover": "arealdække"}.get(prefix, prefix)


def to_danish(message: str, fallback: bool = True, status: int = 422) -> str | None:
    """The Danish text of an English server message, or (``fallback=False``) None when
    the catalogue has no rule for it."""
    text = message.strip()
    found = _translate(text)
    if found is not None or not fallback:
        return found
    log.warning("no Danish text for the message %r", text)
    return f"{LEAD_DA.get(status, 'Fejl')} (beskeden findes kun på engelsk: «{text}»)"


def _translate(text: str) -> str | None:
    if "; " in text:  # several messages (request validation lists up to five)
        parts = [_translate(p) for p in text.split("; ")]
        if all(p is not None for p in parts):
            return "; ".join(p for p in parts if p is not None)
    found = _rule(text)
    if found is not None:
        return found
    m = _PREFIX.fullmatch(text)
    if m:
        rest = _translate(m.group("rest"))
        if rest is not None:
            return f"{_prefix_da(m.group('p'))}: {rest}"
    return None
