// tests/web/browser.mjs VIGIE SOURCE_DIR OUT_DIR — the web map in a real browser
// (Debian's chromium driven by playwright-core) against a real `vigie serve` replaying
// the Seine demo: sign in; tracks move on the map; an operator acknowledges an alert;
// a commander changes the posture; a viewer sees no action buttons and is refused by
// the API. Screenshots go to OUT_DIR. Every wait is bounded; the daemon is killed at
// the end whatever happens.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const [vigie, src, out] = process.argv.slice(2);
if (!vigie || !src || !out) {
  console.error('usage: browser.mjs VIGIE SOURCE_DIR OUT_DIR');
  process.exit(2);
}
const require = createRequire(join(src, 'web', 'package.json'));
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  console.error('FAIL: web/node_modules/playwright-core is missing: run scripts/deps.sh (npm ci in web/)');
  process.exit(1);
}
if (!existsSync(join(src, 'web', 'public', 'vendor', 'leaflet', 'leaflet-src.esm.js'))) {
  console.error('FAIL: web/public/vendor/leaflet is missing: run scripts/deps.sh (npm ci runs the copy)');
  process.exit(1);
}

mkdirSync(out, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'vigie-web-'));
const demo = join(src, 'scenarios', 'demo');
const db = join(tmp, 'vigie.db');
let checks = 0;
const check = (cond, what) => {
  if (!cond) throw new Error(`check failed: ${what}`);
  checks++;
};

const users = { vera: 'viewer', otto: 'operator', cleo: 'commander' };
for (const [name, role] of Object.entries(users)) {
  const r = spawnSync(vigie, ['user', 'add', name, '--role', role, '--db', db], { input: `${name}-password\n` });
  check(r.status === 0, `user add ${name}: ${r.stderr}`);
}
writeFileSync(join(tmp, 'vigie.conf'), `
[site]
lat = 48.853
lon = 2.3499
alt = 35
alt_ref = AMSL
geoid_undulation = 44.4
ground_elevation = 35
[log]
level = warn
[zones]
file = ${demo}/seine-zones.ed269.json
[threat]
assets_file = ${demo}/seine-assets.json
coverage_file = ${demo}/seine-coverage.json
[server]
listen = 127.0.0.1
port = 0
web_root = ${join(src, 'web', 'public')}
basemap = ${demo}/seine-basemap.geojson
`);
// The Seine sample with a police car added, for the dispatch proposal in the panel.
const sample = readFileSync(join(demo, 'seine-mini.jsonl'), 'utf8').split('\n');
const unit = '{"type":"command","time":"2024-07-26T17:30:00Z","user":"cdt.martin","role":"commander","kind":"unit_add","args":{"unit":"PN-7","callsign":"Police 7","force":"police","mode":"vehicle","capabilities":["intercept"],"lat":48.8575,"lon":2.34}}';
const site = '{"type":"command","time":"2024-07-26T17:30:00Z","user":"cdt.martin","role":"commander","kind":"site_add","args":{"id":"notre-dame","category":"place_of_worship","lat":48.853,"lon":2.3499}}';
writeFileSync(join(tmp, 'input.jsonl'), [...sample.slice(0, 5), site, unit, ...sample.slice(5)].join('\n'));
const portFile = join(tmp, 'port');
// Twice real time: the 63 s sample lasts 32 s, long enough that tracks still move
// when the operator's page is up even on a loaded machine (at 4× it ended after 16 s:
// a slow chromium start could sign in after the last move).
const daemon = spawn(vigie, ['serve', '-c', join(tmp, 'vigie.conf'), '--db', db, '--port-file', portFile,
  '--replay', join(tmp, 'input.jsonl'), '--speed', '2'], { stdio: ['ignore', 'inherit', 'inherit'] });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

let browser;
let failed = false;
try {
  await waitFor(() => existsSync(portFile) && readFileSync(portFile, 'utf8').trim(), 'the daemon to listen');
  const base = `http://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30000,
  });

  async function signIn(name) {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20000);
    page.on('pageerror', (e) => { console.error(`page error (${name}): ${e.message}`); failed = true; });
    await page.goto(`${base}/`);
    await page.waitForURL(/login\.html$/);
    await page.fill('#user', name);
    await page.fill('#password', `${name}-password`);
    await page.click('#submit');
    await page.waitForURL(/index\.html$/);
    await page.waitForSelector('.track-icon');
    return page;
  }

  // A wrong password stays on the login page with a message.
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/login.html`);
    await page.fill('#user', 'otto');
    await page.fill('#password', 'not-the-password');
    await page.click('#submit');
    await page.waitForFunction(() => document.getElementById('error').textContent.length > 0, null, { timeout: 10000 });
    check(page.url().endsWith('login.html'), 'a bad password does not sign in');
    await context.close();
  }

  // Operator: tracks move; acknowledge the asset-proximity alert (#2).
  const op = await signIn('otto');
  const id = await op.evaluate(() => window.vigie.map.trackIds()[0]);
  const p0 = await op.evaluate((i) => window.vigie.map.trackPosition(i), id);
  const p1 = await waitFor(async () => {
    const p = await op.evaluate((i) => window.vigie.map.trackPosition(i), id);
    return p && (p[0] !== p0[0] || p[1] !== p0[1]) ? p : null;
  }, 'a track to move on the map');
  check(p1, 'track moves');
  check(await op.locator('#posture-level').textContent() !== 'posture unknown', 'posture banner shows a level');
  check(await op.locator('.sensor-item').count() === 4, 'four sensors in the panel');
  check(await op.locator('.unit-icon [data-unit="PN-7"]').count() === 1, 'the police unit is on the map');
  check(await op.locator('path.site').count() === 1, 'the patrol site is on the map');
  // Alert 2 (asset proximity) is raised 8 s into the sample; should its button not
  // come, the alerts stored and shown say which side lost it.
  const ack = op.locator('li[data-alert="2"] button[data-verb="ack"]');
  try {
    await ack.waitFor({ timeout: 30000 });
  } catch (e) {
    const alerts = await op.evaluate(async () => (await (await fetch('/api/v1/alerts?limit=50')).json()).alerts);
    console.error(`alerts stored: ${JSON.stringify(alerts.map((a) => [a.id, a.rule, a.state, a.time]))}`);
    console.error(`alert items on the page: ${await op.locator('li[data-alert]').count()}`);
    throw e;
  }
  await op.screenshot({ path: join(out, 'operator-before-ack.png') });
  await ack.click();
  await op.waitForSelector('li[data-alert="2"].state-acknowledged');
  const apiState = await op.evaluate(async () => {
    const r = await fetch('/api/v1/alerts?limit=50');
    const j = await r.json();
    return j.alerts.find((a) => a.id === 2).state;
  });
  check(apiState === 'acknowledged', `alert 2 acknowledged through the API (${apiState})`);
  check(await op.locator('#posture-set').isHidden(), 'an operator has no posture button');
  // The dispatch proposal for alert 2: one click sends the police car.
  const send = op.locator('li[data-alert="2"] .proposals button[data-unit="PN-7"]');
  await send.waitFor({ timeout: 20000 });
  await send.click();
  await op.waitForFunction(() => {
    const d = document.querySelector('li[data-alert="2"] .alert-dispatch');
    return d && d.textContent.includes('PN-7 en route');
  }, null, { timeout: 15000 });
  check(true, 'the proposed unit was sent from the alert panel');
  await op.screenshot({ path: join(out, 'operator-after-ack.png') });

  // Commander: change the posture from the banner.
  const cmd = await signIn('cleo');
  await cmd.click('#posture-set');
  await cmd.selectOption('#posture-choice', 'vigilance');
  await cmd.fill('#posture-reason', 'browser test');
  await cmd.click('#posture-apply');
  await cmd.waitForSelector('header.posture-vigilance');
  await op.waitForSelector('header.posture-vigilance'); // the operator's screen follows live
  check(true, 'posture changed and seen by the other screen');
  await cmd.screenshot({ path: join(out, 'commander-posture.png') });

  // Viewer: no action buttons; a forced action is refused.
  const viewer = await signIn('vera');
  await viewer.waitForSelector('li[data-alert]');
  check(await viewer.locator('.alert-actions button').count() === 0, 'a viewer sees no action buttons');
  const status = await viewer.evaluate(async () => {
    const r = await fetch('/api/v1/alerts/1/resolve', { method: 'POST', headers: { 'X-CSRF-Token': sessionStorage.getItem('vigie.csrf') } });
    return r.status;
  });
  check(status === 403, `viewer refused with 403 (got ${status})`);
  await viewer.screenshot({ path: join(out, 'viewer.png') });

  // A laptop screen still shows map, banner and alerts.
  await viewer.setViewportSize({ width: 1366, height: 768 });
  check(await viewer.locator('#map').isVisible() && await viewer.locator('#alerts').isVisible(), 'laptop layout');
  await viewer.screenshot({ path: join(out, 'viewer-laptop.png') });
  if (failed) throw new Error('the page raised errors');
  console.log(`${checks} passed, 0 failed; screenshots in ${out}`);
} catch (e) {
  failed = true;
  console.error(`FAIL: ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  daemon.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
