// web/scripts/vendor.mjs — copies Leaflet's built files from node_modules into
// public/vendor/leaflet/, so the daemon serves them and the map needs no network.
// Runs after `npm ci` (scripts/deps.sh); public/vendor/ is not committed.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(web, 'node_modules', 'leaflet', 'dist');
const to = join(web, 'public', 'vendor', 'leaflet');
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
for (const f of ['leaflet.js', 'leaflet.css', 'leaflet-src.esm.js', 'images']) {
  cpSync(join(from, f), join(to, f), { recursive: true });
}
console.log(`vendor: leaflet copied to ${to}`);
