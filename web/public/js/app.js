// app.js — the operations screen: loads the picture and follows the daemon's
// event stream (SSE). The browser resumes a dropped stream with Last-Event-ID; a
// "reset" event (the daemon's buffer moved past us) makes the page refetch.
import { api } from './api.js';
import { SiteMap } from './map.js';
import { AlertPanel } from './alerts.js';
import { EventLog, showPosture, showSensors } from './panels.js';

const $ = (id) => document.getElementById(id);
const log = new EventLog($('log'));
const say = (text, kind) => log.add(text, kind);

async function main() {
  const me = await api('GET', '/me');
  $('whoami').textContent = `${me.user} (${me.role})`;
  document.body.dataset.role = me.role;
  const config = await api('GET', '/config');
  const map = new SiteMap($('map'), config);
  window.vigie = { map }; // for the browser tests and the curious operator

  const sensors = new Map();
  const alerts = new AlertPanel($('alerts'), $('alert-count'), me.role, (ids) => map.setHostile(ids), say);

  async function refetch() {
    const [basemap, zones, tracks, posture, sensorList, alertList, units, dispatches] = await Promise.all([
      api('GET', '/basemap'), api('GET', '/zones'), api('GET', '/tracks'), api('GET', '/posture'),
      api('GET', '/sensors'), api('GET', '/alerts?limit=200'), api('GET', '/units'),
      api('GET', '/dispatches'),
    ]);
    map.setUnits(units.units);
    map.setSites(units.sites);
    map.setBasemap(basemap);
    map.setZones(zones);
    map.setTime(Date.parse(tracks.time) || 0);
    for (const id of map.trackIds()) map.dropTrack(id);
    for (const t of tracks.tracks) map.updateTrack(t);
    showPosture($('posture'), posture.posture);
    sensors.clear();
    for (const s of sensorList.sensors) sensors.set(s.id, s);
    map.setSensors(sensorList.sensors);
    showSensors($('sensors'), sensors);
    alerts.load(alertList.alerts);
    for (const d of dispatches.dispatches) alerts.proposal(d);
  }
  // The stream is opened before the picture is fetched, its events held until the
  // picture is in and then applied in order: an event published between the two
  // (an alert raised while the page loads) would otherwise be in neither. Applying
  // an event the picture already reflects is harmless: the events after it follow.
  const stream = new EventSource('/api/v1/stream');
  let held = [];
  const on = (type, fn) => stream.addEventListener(type, (ev) => {
    const data = JSON.parse(ev.data);
    if (held) held.push(() => fn(data));
    else fn(data);
  });
  on('track', (t) => {
    map.updateTrack(t);
    map.setTime(Date.parse(t.time));
    $('clock').textContent = t.time.slice(11, 19) + ' UTC';
  });
  on('track_drop', (d) => map.dropTrack(d.id));
  on('alert', (a) => {
    alerts.update(a);
    say(`alert ${a.id} ${a.rule} ${a.state}`, a.severity === 'critical' ? 'critical' : 'info');
  });
  on('posture', (p) => {
    showPosture($('posture'), p);
    say(`posture: ${p.level} (${p.scope}) by ${p.user}`);
  });
  on('sensor_status', (s) => {
    const cur = sensors.get(s.sensor) || { id: s.sensor };
    const next = { ...cur, up: s.status === 'up', reason: s.reason };
    sensors.set(s.sensor, next);
    map.updateSensor(next);
    showSensors($('sensors'), sensors);
    if (s.status !== 'up') say(`sensor ${s.sensor} ${s.status}: ${s.reason}`, 'critical');
  });
  on('dispatch', async (d) => {
    say(`dispatch: unit ${d.unit} for alert ${d.alert} (${d.state}${d.eta_s ? `, ETA ${Math.round(d.eta_s)} s` : ''})`);
    alerts.proposal(d);
    const now = await api('GET', '/units');
    map.setUnits(now.units);
    map.setSites(now.sites);
  });
  setInterval(async () => {
    try {
      const u = await api('GET', '/units');
      map.setUnits(u.units);
      map.setSites(u.sites);
    } catch {
      // the next refresh or the stream's reset will tell
    }
  }, 10000);
  stream.addEventListener('reset', () => {
    say('stream reset: reloading the picture');
    refetch();
  });
  stream.onerror = () => say('stream interrupted: reconnecting', 'error');

  // The daemon fixes where a stream starts when it answers it: wait for that (or for
  // a failure, which the browser retries) before asking for the picture.
  await new Promise((resolve) => {
    stream.addEventListener('open', resolve, { once: true });
    stream.addEventListener('error', resolve, { once: true });
  });
  await refetch();
  const early = held;
  held = null;
  for (const apply of early) await apply();
  say('picture loaded');

  $('logout').addEventListener('click', async () => {
    try {
      await api('POST', '/logout');
    } finally {
      location.href = 'login.html';
    }
  });
  if (me.role === 'commander' || me.role === 'admin') {
    const button = $('posture-set');
    button.hidden = false;
    button.addEventListener('click', () => {
      $('posture-error').textContent = '';
      $('posture-dialog').showModal();
    });
    $('posture-form').addEventListener('submit', async (ev) => {
      if (ev.submitter && ev.submitter.value !== 'apply') return;
      ev.preventDefault();
      try {
        const res = await api('PUT', '/posture', { level: $('posture-choice').value, reason: $('posture-reason').value });
        showPosture($('posture'), res.posture);
        $('posture-dialog').close();
      } catch (e) {
        $('posture-error').textContent = e.message;
      }
    });
  }
}

main().catch((e) => {
  if (e.status !== 401) say(`cannot load: ${e.message}`, 'error');
});
