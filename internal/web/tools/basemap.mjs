// Builds assets/data/countries.geojson: the countries around Syria from
// Natural Earth 1:50m admin-0 (public domain), as packaged in the world-atlas
// npm package (TopoJSON, ISC). Run once, by hand, in a scratch directory
// holding world-atlas and topojson-client:
//
//   npm install world-atlas@2.0.2 topojson-client@3.1.0
//   node /path/to/internal/web/tools/basemap.mjs node_modules > countries.geojson
//
// Coordinates are rounded to 3 decimals (about 100 m), enough for a basemap.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const modules = process.argv[2] || 'node_modules';
const require = createRequire(import.meta.url);
const { feature } = require(`${process.cwd()}/${modules}/topojson-client`);
const topo = JSON.parse(readFileSync(`${modules}/world-atlas/countries-50m.json`, 'utf8'));

const names = new Set(['Syria', 'Turkey', 'Iraq', 'Jordan', 'Lebanon', 'Israel', 'Palestine', 'Cyprus',
  'N. Cyprus', 'Egypt', 'Saudi Arabia', 'Iran', 'Georgia', 'Armenia', 'Azerbaijan', 'Kuwait', 'Greece']);
const round = (x) => Math.round(x * 1000) / 1000;
const roundDeep = (c) => (typeof c[0] === 'number' ? [round(c[0]), round(c[1])] : c.map(roundDeep));

const all = feature(topo, topo.objects.countries).features;
const features = all.filter((f) => names.has(f.properties.name)).map((f) => ({
  type: 'Feature',
  properties: { name: f.properties.name },
  geometry: { type: f.geometry.type, coordinates: roundDeep(f.geometry.coordinates) },
}));
const missing = [...names].filter((n) => !features.some((f) => f.properties.name === n));
if (missing.length) throw new Error(`not in the atlas: ${missing.join(', ')}`);
process.stdout.write(JSON.stringify({ type: 'FeatureCollection', features }) + '\n');
