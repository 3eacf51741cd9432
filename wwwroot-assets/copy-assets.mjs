// Copies what the app serves from node_modules and src/ into CstPortal/wwwroot (ignored by git).
// Runs on every build; a file is copied only when it is missing or differs in size or age.
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wwwroot = join(here, "..", "CstPortal", "wwwroot");

const copies = [
  ["node_modules/leaflet/dist/leaflet.js", "lib/leaflet/leaflet.js"],
  ["node_modules/leaflet/dist/leaflet.css", "lib/leaflet/leaflet.css"],
  ["node_modules/leaflet/dist/images", "lib/leaflet/images"],
  ["node_modules/leaflet.heat/dist/leaflet-heat.js", "lib/leaflet.heat/leaflet-heat.js"],
  ["node_modules/leaflet.markercluster/dist/leaflet.markercluster.js", "lib/leaflet.markercluster/leaflet.markercluster.js"],
  ["node_modules/leaflet.markercluster/dist/MarkerCluster.css", "lib/leaflet.markercluster/MarkerCluster.css"],
  ["node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css", "lib/leaflet.markercluster/MarkerCluster.Default.css"],
  ["src", "cst"],
];

function copyIfChanged(from, to) {
  const s = statSync(from);
  if (s.isDirectory()) {
    for (const name of readdirSync(from)) copyIfChanged(join(from, name), join(to, name));
    return;
  }
  if (existsSync(to)) {
    const d = statSync(to);
    if (d.size === s.size && d.mtimeMs >= s.mtimeMs) return;
  }
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { preserveTimestamps: true });
}

for (const [from, to] of copies) {
  const source = join(here, from);
  if (!existsSync(source)) {
    console.error(`copy-assets: ${from} is missing; run npm ci in wwwroot-assets`);
    process.exit(1);
  }
  copyIfChanged(source, join(wwwroot, to));
}
