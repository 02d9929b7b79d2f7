"""A tiny hand-made city as an OpenStreetMap XML file (coordinates given in
EPSG:25832 metres relative to an origin in Copenhagen)."""

from __future__ import annotations

from pathlib import Path

from pyproj import Transformer

X0, Y0 = 724_000.0, 6_175_000.0
_TO_LONLAT = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)


def write_osm(path: Path, nodes: dict[int, tuple[float, float, dict]],
              ways: dict[int, tuple[list[int], dict]]) -> Path:
    """``nodes``: id → (x, y, tags) in metres from (X0, Y0); ``ways``: id → (refs, tags)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, (x, y, tags) in sorted(nodes.items()):
        lon, lat = _TO_LONLAT.transform(X0 + x, Y0 + y)
        body = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        out.append(f'<node id="{nid}" version="1" lat="{lat:.8f}" lon="{lon:.8f}">{body}</node>')
    for wid, (refs, tags) in sorted(ways.items()):
        body = "".join(f'<nd ref="{r}"/>' for r in refs)
        body += "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        out.append(f'<way id="{wid}" version="1">{body}</way>')
    out.append("</osm>")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def tiny_city(path: Path, *, addresses: bool = True, park: bool = True,
              streets: bool = True) -> Path:
    """A street s1(0,0)–s2(200,0)–s3(400,0), a footway s2–s4(200,100), a 1.1 ha park
    (150..260 × 110..210, its edge 10 m north of s4), a 1 ha car park (330..430 ×
    −120..−20), three trees near (100, 20) and three address points."""
    nodes: dict[int, tuple[float, float, dict]] = {
        1: (0, 0, {}), 2: (200, 0, {}), 3: (400, 0, {}), 4: (200, 100, {}),
        10: (150, 110, {}), 11: (260, 110, {}), 12: (260, 210, {}), 13: (150, 210, {}),
        20: (330, -120, {}), 21: (430, -120, {}), 22: (430, -20, {}), 23: (330, -20, {}),
        30: (90, 30, {"natural": "tree"}), 31: (110, 35, {"natural": "tree"}),
        32: (100, 45, {"natural": "tree"}),
    }
    if addresses:
        nodes[40] = (100, 20, {"addr:housenumber": "1"})
        nodes[41] = (390, -15, {"addr:housenumber": "2"})
        nodes[42] = (210, 150, {"addr:housenumber": "3"})
    ways: dict[int, tuple[list[int], dict]] = {
        200: ([20, 21, 22, 23, 20], {"amenity": "parking"}),
    }
    if streets:
        ways[100] = ([1, 2, 3], {"highway": "residential"})
        ways[101] = ([2, 4], {"highway": "footway"})
    if park:
        ways[300] = ([10, 11, 12, 13, 10], {"leisure": "park", "name": "Testparken"})
    return write_osm(path, nodes, ways)
