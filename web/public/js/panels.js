// panels.js — the posture banner, the sensors panel and the log of recent events.
const LEVEL_NAMES = {
  vigilance: 'Vigilance',
  securite_renforcee: 'Sécurité renforcée – risque attentat',
  urgence_attentat: 'Urgence attentat',
};

export function showPosture(banner, posture) {
  const level = posture ? posture.level : 'unknown';
  banner.className = `posture posture-${level}`;
  banner.querySelector('#posture-level').textContent = posture ? LEVEL_NAMES[level] || level : 'posture unknown';
  banner.querySelector('#posture-detail').textContent = posture
    ? `${posture.scope} · set by ${posture.user || 'system'} at ${posture.time.slice(11, 19)} UTC`
    : '';
}

export function showSensors(list, sensors) {
  const items = [...sensors.values()].sort((a, b) => a.id.localeCompare(b.id)).map((s) => {
    const li = document.createElement('li');
    li.className = `sensor-item ${s.up === false ? 'down' : 'up'}`;
    li.dataset.sensor = s.id;
    const name = document.createElement('span');
    name.className = 'sensor-name';
    name.textContent = s.id;
    const info = document.createElement('span');
    info.className = 'sensor-info';
    const last = s.last_report ? s.last_report.slice(11, 19) : 'never';
    info.textContent = `${s.kind || ''} · ${s.up === false ? `DOWN${s.reason ? ` (${s.reason})` : ''}` : 'up'} · last ${last} · ${s.detections ?? 0} det.`;
    li.append(name, info);
    return li;
  });
  list.replaceChildren(...items);
}

export class EventLog {
  constructor(list, max = 200) {
    this.list = list;
    this.max = max;
  }

  add(text, kind = 'info') {
    const li = document.createElement('li');
    li.className = `log-${kind}`;
    const t = document.createElement('time');
    t.textContent = new Date().toISOString().slice(11, 19);
    const span = document.createElement('span');
    span.textContent = text;
    li.append(t, span);
    this.list.prepend(li);
    while (this.list.children.length > this.max) this.list.lastChild.remove();
  }
}
