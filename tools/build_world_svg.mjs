// Builds static/partners/world.svg, the world outline under the home page's map.
//
// Run once, by hand, when the outline should change (the output is committed):
//   cd /tmp && npm pack world-atlas@2.0.2 topojson-client@3.1.0   (or npm install them)
//   node tools/build_world_svg.mjs /path/to/node_modules > static/partners/world.svg
//
// Source: the land shapes of Natural Earth at 1:110m (public domain, naturalearthdata.com),
// as TopoJSON in the npm package `world-atlas` (ISC licence, Mike Bostock), decoded with
// `topojson-client` (ISC). The projection is equirectangular and must match
// partners/public/worldmap.py, which places the cities and partnership lines on top of it:
//   x = (longitude + 180) * SCALE,  y = (90 - latitude) * SCALE,  SCALE = 2.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const modules = process.argv[2] || "node_modules";
const { feature } = await import(join(modules, "topojson-client/dist/topojson-client.js"));
const topology = JSON.parse(readFileSync(join(modules, "world-atlas/land-110m.json"), "utf8"));
const land = feature(topology, topology.objects.land);

const SCALE = 2;
const point = ([lon, lat]) =>
  `${((lon + 180) * SCALE).toFixed(1)} ${((90 - lat) * SCALE).toFixed(1)}`;
const ring = (coordinates) => "M" + coordinates.map(point).join("L") + "Z";

const rings = [];
for (const f of land.features) {
  const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  for (const polygon of polygons) for (const r of polygon) rings.push(ring(r));
}

process.stdout.write(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${360 * SCALE} ${180 * SCALE}">` +
    `<!-- Natural Earth 1:110m land (public domain) via world-atlas; see tools/build_world_svg.mjs -->` +
    `<path fill="#d9e2d3" stroke="#a8b8a0" stroke-width="0.4" d="${rings.join("")}"/></svg>\n`,
);
