// Convert world-atlas countries-110m (Natural Earth, public domain) TopoJSON
// into the compact JSON used by the HTML brief's SVG map.
//
// Usage: cd data/geo && npm install --no-save world-atlas@2.0.2 topojson-client@3.1.0 && node convert.mjs
//
// Output: countries-110m.json next to this script, shape
//   {"source": "...", "features": [{"iso3": "KAZ", "name": "Kazakhstan", "rings": [[[lon, lat], ...], ...]}, ...]}
// Every ring (outer rings and holes) of every Polygon / MultiPolygon becomes
// one entry of `rings`. Coordinates are rounded to 2 decimals, consecutive
// duplicate points are dropped, Antarctica (ATA) is dropped. Features with no
// ISO 3166-1 numeric id in Natural Earth (Kosovo, N. Cyprus, Somaliland) are
// kept with iso3 "".

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const atlasVersion = require("world-atlas/package.json").version;
const topo = require("world-atlas/countries-110m.json");

// Minimal CSV parser (handles double-quoted fields with commas / "" escapes).
function parseCsv(text) {
  const rows = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === "") continue;
    const fields = [];
    let cur = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
        else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { fields.push(cur); cur = ""; }
      else cur += c;
    }
    fields.push(cur);
    rows.push(fields);
  }
  return rows;
}

const [header, ...rows] = parseCsv(readFileSync(join(here, "..", "iso3166.csv"), "utf8"));
const col = Object.fromEntries(header.map((h, i) => [h, i]));
const byNumeric = new Map();
for (const r of rows) {
  byNumeric.set(r[col.numeric], { alpha3: r[col.alpha3], name: r[col.name] });
}

const round2 = (x) => Math.round(x * 100) / 100;

function convertRing(ring) {
  const out = [];
  for (const [lon, lat] of ring) {
    const p = [round2(lon), round2(lat)];
    const prev = out[out.length - 1];
    if (prev && prev[0] === p[0] && prev[1] === p[1]) continue;
    out.push(p);
  }
  return out;
}

const geo = feature(topo, topo.objects.countries);
const features = [];
const warnings = [];
let droppedRings = 0;

for (const f of geo.features) {
  const neName = f.properties?.name ?? "";
  let iso3 = "";
  let name = neName;
  if (f.id !== undefined && f.id !== null && f.id !== "") {
    const hit = byNumeric.get(String(f.id).padStart(3, "0"));
    if (hit) {
      iso3 = hit.alpha3;
      name = hit.name;
    } else {
      warnings.push(`numeric id ${f.id} (${neName}) not in iso3166.csv; iso3 left empty`);
    }
  } else {
    warnings.push(`no numeric id: ${neName}; iso3 left empty`);
  }
  if (iso3 === "ATA") continue;

  const g = f.geometry;
  if (!g) { warnings.push(`no geometry: ${neName}`); continue; }
  const polygons = g.type === "Polygon" ? [g.coordinates]
    : g.type === "MultiPolygon" ? g.coordinates
    : [];
  const rings = [];
  for (const poly of polygons) {
    for (const ring of poly) {
      const r = convertRing(ring);
      // A closed ring needs at least 3 distinct points + closing point.
      if (r.length < 4) { droppedRings++; continue; }
      rings.push(r);
    }
  }
  if (rings.length === 0) { warnings.push(`no usable rings: ${neName}`); continue; }
  features.push({ iso3, name, rings });
}

features.sort((a, b) => (a.iso3 || "~" + a.name).localeCompare(b.iso3 || "~" + b.name));

const out = {
  source: `Natural Earth 1:110m Admin 0 countries via npm world-atlas@${atlasVersion} (public domain)`,
  features,
};
const outPath = join(here, "countries-110m.json");
// One feature per line: compact, but diffs stay readable.
const text = `{"source":${JSON.stringify(out.source)},"features":[\n`
  + features.map((f) => JSON.stringify(f)).join(",\n")
  + "\n]}\n";
writeFileSync(outPath, text);

for (const w of warnings) console.warn("warning:", w);
if (droppedRings) console.warn(`warning: dropped ${droppedRings} degenerate ring(s) after rounding`);
console.log(`wrote ${outPath}: ${features.length} features`);
