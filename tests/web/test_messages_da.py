"""The Danish message catalogue (server/messages_da): model messages that reach the web
app through uploads get a Danish sentence that keeps the user's file and values."""

from __future__ import annotations

import pytest

from naturkapital.server.errors import split_languages
from naturkapital.server.messages_da import to_danish

CASES = [
    (
        "p.geojson: 1 feature(s) have no value in id field 'pid'",
        "p.geojson: 1 objekt(er) har ingen værdi i id-feltet 'pid'",
    ),
    (
        "s.geojson: to_class of feature #1 must be a class code (an integer); found 'skov'",
        "s.geojson: to_class i objekt nr. 1 skal være en klassekode (et helt tal); fandt 'skov'",
    ),
    (
        "pts.gpkg: parcels must be polygons, found Point",
        "pts.gpkg: markerne skal være polygoner, fandt Point",
    ),
    (
        "my parcels.geojson: every parcel lies outside the carbon raster kulstof.tif (outside "
        "the area it covers, e.g. in the sea or another municipality; check the CRS and extent)",
        "my parcels.geojson: alle marker ligger uden for kulstofkortet kulstof.tif (uden for det "
        "område, kortet dækker, fx i havet eller en anden kommune; tjek koordinatsystem og "
        "udstrækning)",
    ),
    (
        "oc.tif: carbon raster (organic carbon %) is truncated or damaged: cell block 4,0 lies "
        "beyond the end of the file (327,915 bytes); copy it again",
        "oc.tif: kulstofkortet (organisk kulstof %) er afkortet eller beskadiget: celleblok 4,0 "
        "ligger efter filens slutning (327.915 byte); kopier den igen",
    ),
    (
        "body parameter 'year': Input should be a valid integer, unable to parse string as an "
        "integer; query parameter 'limit': Input should be less than or equal to 1000",
        "parameteren 'year': skal være et helt tal; parameteren 'limit': skal være højst 1000",
    ),
    (
        "horizon_years: must be above 0 and at most 200, not -5.0",
        "horizon_years: skal være over 0 og højst 200, ikke -5.0",
    ),
    ("budget: must be a finite number, not inf", "budget: skal være et endeligt tal, ikke inf"),
    (
        "mine.geojson: the file is over the upload limit of 0.2 MB",
        "mine.geojson: filen er over upload-grænsen på 0,2 MB",
    ),
]


@pytest.mark.parametrize(("en", "da"), CASES)
def test_catalogue(en: str, da: str) -> None:
    assert to_danish(en) == da


def test_bilingual_and_unknown_messages() -> None:
    # "english / dansk": the catalogue's sentence keeps the file name the tail lacks
    assert split_languages("c.tif: carbon raster not found / filen findes ikke", 422) == (
        "c.tif: kulstofkortet findes ikke",
        "c.tif: carbon raster not found",
    )
    # no rule: said in Danish that the message is only in English, never passed as Danish
    da = to_danish("zones.geojson: the moon is made of cheese", status=422)
    assert da == (
        "Ugyldigt input (beskeden findes kun på engelsk: «zones.geojson: the moon "
        "is made of cheese»)"
    )
    assert to_danish("the moon is made of cheese", fallback=False) is None
