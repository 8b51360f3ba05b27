// alerts.js — the alert panel: newest first, severity colours, a beep on a new
// critical alert, and the actions the operator's role and the alert's state allow.
import { api } from './api.js';

const ACTIONS = {
  raised: [['ack', 'Acknowledge'], ['dispatch', 'Dispatch'], ['resolve', 'Resolve'], ['false-alarm', 'False alarm']],
  acknowledged: [['dispatch', 'Dispatch'], ['resolve', 'Resolve'], ['false-alarm', 'False alarm']],
  dispatched: [['resolve', 'Resolve'], ['false-alarm', 'False alarm']],
  resolved: [],
  false_alarm: [],
};
const CAN_ACT = new Set(['operator', 'commander', 'admin']);
const OPEN = new Set(['raised', 'acknowledged', 'dispatched']);

let audio = null;
function beep() {
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.4);
  } catch {
    // no audio device: the colour still tells
  }
}

export class AlertPanel {
  constructor(list, count, role, onChange, log) {
    this.list = list;
    this.count = count;
    this.role = role;
    this.onChange = onChange;
    this.log = log;
    this.alerts = new Map();
  }

  // Dispatch proposals (patrol module): the best units per alert, shown with a
  // one-click "Send" for operators while the alert is open.
  proposal(d) {
    this.proposals = this.proposals || new Map();
    const list = this.proposals.get(d.alert) || [];
    const others = list.filter((p) => p.unit !== d.unit);
    this.proposals.set(d.alert, d.state === 'proposed' ? [...others, d].sort((a, b) => (a.rank || 9) - (b.rank || 9)) : others);
    if (d.state !== 'proposed') this.sent = { ...(this.sent || {}), [d.alert]: `${d.unit} ${d.state.replace('_', ' ')}` };
    this.render();
  }

  async send(alert, unit) {
    try {
      await api('POST', `/dispatch/${alert.id}/confirm`, { unit });
      this.log(`alert ${alert.id}: ${unit} sent`);
    } catch (e) {
      this.log(`alert ${alert.id}: sending ${unit} refused: ${e.message}`, 'error');
    }
  }

  load(alerts) {
    for (const a of alerts) this.alerts.set(a.id, a);
    this.render();
  }

  update(a) {
    const old = this.alerts.get(a.id);
    this.alerts.set(a.id, a);
    if (!old && a.severity === 'critical' && a.state === 'raised') beep();
    this.render();
  }

  hostileTracks() {
    return [...this.alerts.values()].filter((a) => OPEN.has(a.state) && a.track).map((a) => a.track);
  }

  async act(alert, verb) {
    try {
      const res = await api('POST', `/alerts/${alert.id}/${verb}`, {});
      this.update(res.alert);
      this.log(`alert ${alert.id}: ${verb} done`);
    } catch (e) {
      this.log(`alert ${alert.id}: ${verb} refused: ${e.message}`, 'error');
    }
  }

  render() {
    const sorted = [...this.alerts.values()].sort((a, b) => (b.time.localeCompare(a.time)) || b.id - a.id);
    const open = sorted.filter((a) => OPEN.has(a.state)).length;
    this.count.textContent = `${open} open / ${sorted.length}`;
    this.list.replaceChildren(...sorted.map((a) => this.item(a)));
    this.onChange(this.hostileTracks());
  }

  item(a) {
    const li = document.createElement('li');
    li.className = `alert sev-${a.severity} state-${a.state}`;
    li.dataset.alert = String(a.id);
    const head = document.createElement('div');
    head.className = 'alert-head';
    const title = document.createElement('strong');
    title.textContent = `#${a.id} ${a.rule.replace(/_/g, ' ')}`;
    const state = document.createElement('span');
    state.className = 'alert-state';
    state.textContent = a.state.replace('_', ' ');
    head.append(title, state);
    const msg = document.createElement('div');
    msg.className = 'alert-msg';
    msg.textContent = a.message;
    const meta = document.createElement('div');
    meta.className = 'alert-meta';
    meta.textContent = `${a.severity} · ${a.time.replace('T', ' ').replace('Z', ' UTC')}${a.zone ? ` · ${a.zone}` : ''}${a.track ? ` · track ${a.track}` : ''}`;
    li.append(head, msg, meta);
    const sent = this.sent && this.sent[a.id];
    if (sent) {
      const d = document.createElement('div');
      d.className = 'alert-dispatch';
      d.textContent = `unit ${sent}`;
      li.append(d);
    }
    const proposals = (this.proposals && this.proposals.get(a.id)) || [];
    if (proposals.length && OPEN.has(a.state) && CAN_ACT.has(this.role) && !sent) {
      const bar = document.createElement('div');
      bar.className = 'alert-actions proposals';
      for (const p of proposals.slice(0, 3)) {
        const b = document.createElement('button');
        b.textContent = `Send ${p.unit} (${Math.round(p.eta_s)} s)`;
        b.dataset.unit = p.unit;
        b.addEventListener('click', () => this.send(a, p.unit));
        bar.append(b);
      }
      li.append(bar);
    }
    if (CAN_ACT.has(this.role)) {
      const bar = document.createElement('div');
      bar.className = 'alert-actions';
      for (const [verb, label] of ACTIONS[a.state] || []) {
        const b = document.createElement('button');
        b.textContent = label;
        b.dataset.verb = verb;
        b.addEventListener('click', () => this.act(a, verb));
        bar.append(b);
      }
      li.append(bar);
    }
    return li;
  }
}
