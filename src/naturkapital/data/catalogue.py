"""Catalogue of the datasets shipped inside the package.

Each entry says what the file is, its CRS and grid, and its source and licence, so
that outputs and the README can cite it. Paths resolve inside the installed package:
nothing here reads outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Dataset:
    """One embedded dataset."""

    key: str
    filename: str
    title: str
    crs: str
    source: str
    licence: str

    @property
    def path(self) -> Path:
        return DATA_DIR / self.filename


CATALOGUE: dict[str, Dataset] = {
    d.key: d
    for d in [
        Dataset(
            "municipalities",
            "dk_municipalities_2014.geojson",
            "Kommunegrænser 2014 / municipality boundaries 2014 (1:500 000)",
            "OGC:CRS84",
            "DAGI/FOT 2014, Geodatastyrelsen & Danske Kommuner, via "
            "github.com/magnuslarsen/geoJSON-Danish-Municipalities",
            "Free data licence (Geodatastyrelsen)",
        ),
        Dataset(
            "basemap2021",
            "basemap04_2021_100m.tif",
            "Basemap04 2021, arealanvendelse / land use, 100 m modal aggregate",
            "EPSG:25832",
            "Basemap04, DCE – Aarhus University (Levin et al.)",
            "Open data; cite Levin et al., Basemap04",
        ),
        Dataset(
            "corine",
            "corine_dk_1990-2018_100m.tif",
            "CORINE Land Cover 1990, 2000, 2006, 2012, 2018 (bands 1–5), 100 m",
            "EPSG:3035",
            "Copernicus Land Monitoring Service, European Environment Agency",
            "Free, full and open; attribution required",
        ),
        Dataset(
            "dry_wet_nature",
            "dry_wet_nature_2021_50m.tif",
            "Tør og våd natur 2021 / dry (1) and wet (2) open nature 2021, 50 m",
            "EPSG:25832",
            "Basemap04, DCE – Aarhus University (Levin et al.)",
            "Open data; cite Levin et al., Basemap04",
        ),
        Dataset(
            "nki_published_2020",
            "nki_published_2020_calibration.csv",
            "Kommunernes Naturkapitalindeks 2020 (published values, 11 municipalities "
            "and Denmark)",
            "-",
            "DCE, Aarhus University, with Danmarks Naturfredningsforening (Feb 2021)",
            "Published figures, cited",
        ),
        Dataset(
            "nki_published_2020_more",
            "nki_published_2020_more.csv",
            "Kommunernes Naturkapitalindeks 2020 (11 more municipalities; NKI natur for "
            "Denmark and Vordingborg)",
            "-",
            "DCE/DN NKI 2020 as reported by DN local branches and local newspapers "
            "(Feb–Mar 2021; one source per row)",
            "Published figures, cited",
        ),
    ]
}

#: CORINE band per reference year in the embedded multi-band raster.
CORINE_YEARS: dict[int, int] = {1990: 1, 2000: 2, 2006: 3, 2012: 4, 2018: 5}

#: Zone ids of the embedded municipalities that are not municipalities (Christiansø).
NOT_MUNICIPALITIES: frozenset[str] = frozenset({"411"})


def dataset_path(key: str) -> Path:
    """Path of an embedded dataset by catalogue key."""
    return CATALOGUE[key].path
