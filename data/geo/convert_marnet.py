#!/usr/bin/env python3
"""Convert the maritime network ("marnet") shipped in the PyPI package `searoute`
(Apache-2.0; network from Eurostat's SeaRoute) into the compact marnet.json used by the
HTML brief to draw sea legs along shipping lanes and to measure sea distances.

Usage (standard library only):
    pip download searoute==1.6.0 --no-deps -d /tmp/sr
    python3 data/geo/convert_marnet.py /tmp/sr/searoute-1.6.0.tar.gz

Output: marnet.json next to this script, shape
    {"source": "...", "lines": [[[lon, lat], ...], ...], "passages": {"suez": [i, ...], ...}}
Every LineString (and each part of a MultiLineString) is one entry of `lines`; points that
coincide after rounding to 2 decimals (~1 km) are the same network node, so the graph is
rebuilt by matching rounded coordinates. Consecutive duplicates are dropped, lines that
shrink to one point are dropped. `passages` lists the indices of the lines the source tags
as a strait or canal (suez, babalmandab, gibraltar, ...).
"""

import json
import sys
import tarfile
from pathlib import Path

MEMBER = "searoute/data/marnet_searoute.geojson"


def main(sdist: str) -> None:
    with tarfile.open(sdist) as tar:
        name = next(m for m in tar.getnames() if m.endswith(MEMBER))
        version = name.split("/")[0].removeprefix("searoute-")
        data = json.load(tar.extractfile(name))
    lines, passages = [], {}
    for f in data["features"]:
        g = f["geometry"]
        parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        for part in parts:
            out = []
            for lon, lat in part:
                p = [round(lon, 2), round(lat, 2)]
                if not out or out[-1] != p:
                    out.append(p)
            if len(out) < 2:
                continue
            passage = (f.get("properties") or {}).get("passage")
            if passage:
                passages.setdefault(passage, []).append(len(lines))
            lines.append(out)
    source = (
        f"marnet_searoute.geojson of PyPI searoute {version} (Apache-2.0), "
        "from Eurostat SeaRoute (EUPL-1.2)"
    )
    text = (
        f'{{"source":{json.dumps(source)},"passages":{json.dumps(passages, sort_keys=True, separators=(",", ":"))},"lines":[\n'
        + ",\n".join(json.dumps(line, separators=(",", ":")) for line in lines)
        + "\n]}\n"
    )
    out = Path(__file__).with_name("marnet.json")
    out.write_text(text)
    print(f"wrote {out}: {len(lines)} lines, {sum(map(len, lines))} points")


if __name__ == "__main__":
    main(sys.argv[1])
