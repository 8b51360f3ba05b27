// map.js — the Leaflet map: the site's outline, zones, sensors and their coverage,
// tracks (symbol by class, colour by affiliation, trail, velocity leader, pilot).
// No tiles unless the daemon names a tile server: the site works offline.
import * as L from '../vendor/leaflet/leaflet-src.esm.js';

const TRAIL = 30;          // positions kept per track
const LEADER_S = 30;       // the velocity leader shows where the track will be in 30 s
const CLASSES = ['drone', 'bird', 'aircraft', 'unknown'];

export function mostLikelyClass(track) {
  let best = 'unknown';
  let p = -1;
  for (const c of CLASSES) {
    const v = track.class ? track.class[c] : undefined;
    if (v !== undefined && v > p) {
      p = v;
      best = c;
    }
  }
  return best;
}

function zoneActive(props, now) {
  const windows = props.applicability;
  if (!Array.isArray(windows) || windows.length === 0 || !now) return true;
  return windows.some((w) => {
    const start = w.startDateTime ? Date.parse(w.startDateTime) : -Infinity;
    const end = w.endDateTime ? Date.parse(w.endDateTime) : Infinity;
    return now >= start && now <= end;
  });
}

const ZONE_COLOURS = { PROHIBITED: '#d7263d', REQ_AUTHORISATION: '#f49d37', CONDITIONAL: '#f4d35e', NO_RESTRICTION: '#3f88c5' };

// Text from the server inside divIcon HTML: escaped, never interpreted.
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(v, digits = 1) {
  return typeof v === 'number' ? v.toFixed(digits) : '–';
}

export class SiteMap {
  constructor(container, config) {
    this.map = L.map(container, { zoomControl: true, attributionControl: false, preferCanvas: false });
    if (config.tile_url) L.tileLayer(config.tile_url, { maxZoom: 19 }).addTo(this.map);
    this.map.setView([config.site.lat, config.site.lon], 14);
    this.layers = {
      basemap: L.layerGroup().addTo(this.map),
      zones: L.layerGroup().addTo(this.map),
      sensors: L.layerGroup().addTo(this.map),
      pilots: L.layerGroup().addTo(this.map),
      units: L.layerGroup().addTo(this.map),
      sites: L.layerGroup().addTo(this.map),
      tracks: L.layerGroup().addTo(this.map),
    };
    L.control.layers(null, {
      Outline: this.layers.basemap, Zones: this.layers.zones, Sensors: this.layers.sensors,
      Pilots: this.layers.pilots, Units: this.layers.units, Sites: this.layers.sites, Tracks: this.layers.tracks,
    }, { collapsed: true }).addTo(this.map);
    L.control.scale({ imperial: false }).addTo(this.map);
    this.tracks = new Map();   // id -> { track, marker, trail, leader, pilot, pilotLine, points }
    this.sensors = new Map();
    this.hostile = new Set();  // track ids with an open alert
    this.zoneData = null;
    this.now = 0;
  }

  setBasemap(geojson) {
    this.layers.basemap.clearLayers();
    const layer = L.geoJSON(geojson, {
      style: (f) => (f.properties.kind === 'river'
        ? { color: '#5b8fb9', weight: 14, opacity: 0.55, lineCap: 'round' }
        : { color: '#888', weight: 1 }),
      pointToLayer: (f, latlng) => L.circleMarker(latlng, {
        radius: f.properties.kind === 'landmark' ? 5 : 2,
        color: f.properties.kind === 'landmark' ? '#333' : '#6b7d8c', weight: 1, fillOpacity: 0.8,
      }).bindTooltip(f.properties.name || '', { permanent: f.properties.kind === 'landmark', direction: 'right', className: 'landmark-label' }),
    }).addTo(this.layers.basemap);
    const b = layer.getBounds();
    if (b.isValid()) this.map.fitBounds(b.pad(0.05));
  }

  setZones(geojson) {
    this.zoneData = geojson;
    this.drawZones();
  }

  drawZones() {
    this.layers.zones.clearLayers();
    if (!this.zoneData) return;
    L.geoJSON(this.zoneData, {
      filter: (f) => f.geometry && f.geometry.type !== 'Point',
      style: (f) => {
        const colour = ZONE_COLOURS[f.properties.restriction] || '#777';
        const active = zoneActive(f.properties, this.now);
        return { color: colour, weight: active ? 2 : 1, dashArray: active ? null : '6 6',
          fillOpacity: active ? 0.08 : 0.02, opacity: active ? 0.9 : 0.4 };
      },
      onEachFeature: (f, layer) => {
        const p = f.properties;
        const box = el('div', 'popup');
        box.append(el('strong', null, p.name || p.identifier || 'zone'));
        box.append(el('div', null, `${p.identifier || ''} · ${p.restriction || ''}`));
        box.append(el('div', null, zoneActive(p, this.now) ? 'in force' : 'not in force now'));
        if (p.message) box.append(el('div', 'muted', p.message));
        layer.bindPopup(box);
      },
    }).addTo(this.layers.zones);
  }

  setTime(ms) {
    const changed = Math.floor(ms / 60000) !== Math.floor(this.now / 60000);
    this.now = ms;
    if (changed) this.drawZones();
  }

  setSensors(list) {
    for (const s of list) this.updateSensor(s);
  }

  updateSensor(s) {
    const old = this.sensors.get(s.id);
    const merged = { ...(old ? old.data : {}), ...s };
    if (old) {
      this.layers.sensors.removeLayer(old.group);
    }
    const down = merged.up === false;
    const colour = down ? '#d7263d' : '#2a9d8f';
    const group = L.layerGroup();
    if (typeof merged.lat === 'number') {
      const marker = L.circleMarker([merged.lat, merged.lon], {
        radius: 6, color: colour, weight: 2, fillColor: down ? '#fff' : colour, fillOpacity: 0.9,
        className: `sensor ${down ? 'sensor-down' : 'sensor-up'}`,
      }).bindTooltip(`${merged.id} (${merged.kind})${down ? ' — DOWN' : ''}`);
      group.addLayer(marker);
      if (merged.range_m) {
        group.addLayer(L.circle([merged.lat, merged.lon], {
          radius: merged.range_m, color: colour, weight: 1, dashArray: down ? '4 6' : null,
          fill: !down, fillOpacity: 0.03, opacity: down ? 0.8 : 0.35, interactive: false,
        }));
      }
    }
    group.addTo(this.layers.sensors);
    this.sensors.set(s.id, { data: merged, group });
  }

  // Patrol units: a square by force (police blue, gendarmerie navy, army green,
  // municipal grey), outlined red when stale, labelled with the callsign and status.
  setUnits(list) {
    this.layers.units.clearLayers();
    for (const u of list) {
      if (typeof u.lat !== 'number') continue;
      const label = `${u.callsign || u.id} · ${u.status.replace('_', ' ')}`;
      L.marker([u.lat, u.lon], {
        icon: L.divIcon({ className: `unit-icon force-${u.force}${u.stale ? ' stale' : ''}`,
          html: `<span class="shape" data-unit="${escapeHtml(u.id)}"></span><span class="label">${escapeHtml(label)}</span>`,
          iconSize: [18, 18] }),
        keyboard: false,
      }).bindTooltip(`${label}${u.intercept ? ' · can intercept' : ''}${u.stale ? ' · STALE' : ''}`)
        .addTo(this.layers.units);
    }
  }

  // Patrol sites: green when the presence obligation is met, red and dashed with a
  // coverage gap.
  setSites(list) {
    this.layers.sites.clearLayers();
    for (const site of list || []) {
      const gap = site.gap || !site.met;
      const since = site.since_s >= 0 ? `${Math.round(site.since_s / 60)} min since a patrol` : 'never visited';
      L.circle([site.lat, site.lon], {
        radius: site.radius_m || 100, color: gap ? '#e5484d' : '#2f855a', weight: 2,
        dashArray: gap ? '4 4' : null, fillOpacity: 0.08, className: `site ${gap ? 'site-gap' : 'site-met'}`,
      }).bindTooltip(`${site.name || site.id} (${site.category.replace('_', ' ')}) · ${since}${gap ? ' · COVERAGE GAP' : ''}`)
        .addTo(this.layers.sites);
    }
  }

  setHostile(ids) {
    this.hostile = new Set(ids);
    for (const t of this.tracks.values()) this.styleTrack(t);
  }

  affiliation(track) {
    if (this.hostile.has(track.id)) return 'hostile';
    if (track.identity) return 'identified';
    return 'unknown';
  }

  icon(track) {
    const cls = mostLikelyClass(track);
    const tentative = track.status === 'tentative' ? ' tentative' : '';
    const coasting = track.status === 'coasting' ? ' coasting' : '';
    return L.divIcon({
      className: `track-icon ${cls} ${this.affiliation(track)}${tentative}${coasting}`,
      html: `<span class="shape"></span><span class="label"></span>`,
      iconSize: [22, 22], iconAnchor: [11, 11],
    });
  }

  styleTrack(t) {
    t.marker.setIcon(this.icon(t.track));
    const label = t.marker.getElement() && t.marker.getElement().querySelector('.label');
    if (label) label.textContent = t.track.identity ? t.track.identity.id : `#${t.track.id}`;
    t.marker.getElement()?.setAttribute('data-track', String(t.track.id));
  }

  popup(t) {
    const tr = t.track;
    const box = el('div', 'popup');
    box.append(el('strong', null, `Track ${tr.id} — ${mostLikelyClass(tr)} (${tr.status})`));
    if (tr.identity) box.append(el('div', null, `${tr.identity.source}: ${tr.identity.id}`));
    const cls = CLASSES.map((c) => `${c} ${fmt((tr.class?.[c] ?? 0) * 100, 0)}%`).join(' · ');
    box.append(el('div', null, cls));
    box.append(el('div', null, `alt ${fmt(tr.alt, 0)} m · σh ${fmt(tr.sigma_h)} m · ${tr.updates} updates · ${tr.sensor}`));
    if (tr.velocity) {
      const speed = Math.hypot(tr.velocity.ve, tr.velocity.vn);
      box.append(el('div', null, `speed ${fmt(speed)} m/s, climb ${fmt(tr.velocity.vu)} m/s`));
    }
    if (tr.operator) box.append(el('div', 'pilot', `pilot at ${fmt(tr.operator.lat, 5)}, ${fmt(tr.operator.lon, 5)}`));
    if (tr.integrity && tr.integrity.length) box.append(el('div', 'error', `integrity: ${tr.integrity.join(', ')}`));
    return box;
  }

  updateTrack(tr) {
    let t = this.tracks.get(tr.id);
    const pos = [tr.lat, tr.lon];
    if (!t) {
      t = { track: tr, points: [] };
      t.marker = L.marker(pos, { icon: this.icon(tr), keyboard: false }).addTo(this.layers.tracks);
      t.trail = L.polyline([], { weight: 2, opacity: 0.6, className: 'trail' }).addTo(this.layers.tracks);
      t.leader = L.polyline([], { weight: 2, opacity: 0.9, className: 'leader' }).addTo(this.layers.tracks);
      t.marker.bindPopup(() => this.popup(t));
      this.tracks.set(tr.id, t);
    }
    t.track = tr;
    t.points.push(pos);
    if (t.points.length > TRAIL) t.points.shift();
    t.marker.setLatLng(pos);
    t.trail.setLatLngs(t.points);
    if (tr.velocity) {
      const dlat = (tr.velocity.vn * LEADER_S) / 111320;
      const dlon = (tr.velocity.ve * LEADER_S) / (111320 * Math.cos((tr.lat * Math.PI) / 180));
      t.leader.setLatLngs([pos, [tr.lat + dlat, tr.lon + dlon]]);
    }
    if (tr.operator) {
      const pp = [tr.operator.lat, tr.operator.lon];
      if (!t.pilot) {
        t.pilot = L.marker(pp, { icon: L.divIcon({ className: 'pilot-icon', html: 'P', iconSize: [16, 16] }) })
          .bindTooltip(`pilot of ${tr.identity ? tr.identity.id : `track ${tr.id}`}`).addTo(this.layers.pilots);
        t.pilotLine = L.polyline([pos, pp], { weight: 1, dashArray: '3 5', color: '#6a4c93' }).addTo(this.layers.pilots);
      }
      t.pilot.setLatLng(pp);
      t.pilotLine.setLatLngs([pos, pp]);
    }
    this.styleTrack(t);
  }

  dropTrack(id) {
    const t = this.tracks.get(id);
    if (!t) return;
    for (const layer of [t.marker, t.trail, t.leader]) this.layers.tracks.removeLayer(layer);
    if (t.pilot) {
      this.layers.pilots.removeLayer(t.pilot);
      this.layers.pilots.removeLayer(t.pilotLine);
    }
    this.tracks.delete(id);
  }

  trackIds() {
    return [...this.tracks.keys()];
  }

  trackPosition(id) {
    const t = this.tracks.get(id);
    return t ? [t.track.lat, t.track.lon] : null;
  }
}
