// The status page's script (served by recscore, no build step). Polls /v1/status every second and
// /v1/status/series every two, and draws the series with uPlot. Read-only: it only GETs.

const STATUS_EVERY_MS = 1000;
const SERIES_EVERY_MS = 2000;
const COLORS = ['#2f6fdf', '#d9480f', '#2b8a3e', '#ae3ec9', '#e67700', '#0b7285', '#c2255c', '#5c940d', '#495057'];
const TOKEN_KEY = 'recscore-admin-token';

const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function headers() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function getJson(path) {
  const res = await fetch(path, { headers: headers(), cache: 'no-store' });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

function duration(s) {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}

function bytes(n) {
  if (typeof n !== 'number') return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function since(iso) {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return `since ${new Date(iso).toLocaleTimeString()} (${duration(s)} ago)`;
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function renderBreakers(list) {
  fill(
    $('breakers').tBodies[0],
    list.map((b) => {
      const tr = el('tr');
      tr.dataset.breaker = b.name;
      tr.dataset.state = b.state;
      tr.append(el('td', b.name), el('td', b.state, `state-${b.state}`), el('td', since(b.since), 'muted'));
      return tr;
    }),
  );
}

function renderModels(models) {
  fill(
    $('models').tBodies[0],
    (models || []).map((m) => {
      const tr = el('tr');
      const err = m.last_error;
      const errText = err
        ? `${err.code}${err.message ? `: ${err.message}` : ''} (${err.at}${err.current ? '' : ', since recovered'})`
        : '–';
      tr.append(
        el('td', m.kind),
        el('td', m.version ?? '(none loaded)'),
        el('td', m.source ?? '(admin token)', m.source ? '' : 'muted'),
        el('td', m.loaded_at ? new Date(m.loaded_at).toLocaleString() : '–'),
        el('td', bytes(m.bytes)),
        el('td', m.items ?? '–'),
        el('td', errText, err?.current ? 'error' : 'muted'),
      );
      return tr;
    }),
  );
}

const KNOWN = new Set([
  'build',
  'started_at',
  'uptime_s',
  'now',
  'breakers',
  'queue_depth',
  'shed_total',
  'serving',
  'totals',
  'models',
]);

// Sections features register (training jobs, experiments, …): a table when the section is a list of flat
// objects, else its JSON.
function renderExtra(status) {
  const boxes = [];
  for (const [name, value] of Object.entries(status)) {
    if (KNOWN.has(name)) continue;
    const box = el('div');
    box.dataset.section = name;
    box.append(el('h2', name.replace(/_/g, ' ')));
    const rows = Array.isArray(value) ? value : value && Array.isArray(value.items) ? value.items : undefined;
    if (rows?.length && rows.every((r) => r && typeof r === 'object')) {
      const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      const table = el('table');
      const head = el('tr');
      for (const c of cols) head.append(el('th', c));
      table.append(el('thead'), el('tbody'));
      table.tHead.append(head);
      for (const r of rows) {
        const tr = el('tr');
        for (const c of cols) {
          const v = r[c];
          if (c === 'progress' && typeof v === 'number') {
            const td = el('td');
            const bar = el('progress');
            bar.max = 1;
            bar.value = v > 1 ? v / 100 : v;
            td.append(bar, el('span', ` ${Math.round((v > 1 ? v : v * 100) * 10) / 10} %`));
            tr.append(td);
          } else tr.append(el('td', v !== null && typeof v === 'object' ? JSON.stringify(v) : v));
        }
        table.tBodies[0].append(tr);
      }
      box.append(table);
    } else box.append(el('pre', JSON.stringify(value, null, 2)));
    boxes.push(box);
  }
  $('extra').replaceChildren(...boxes);
}

function renderStatus(s) {
  $('build').textContent = `${s.build.version} · ${String(s.build.commit).slice(0, 12)}`;
  $('uptime').textContent = `up ${duration(s.uptime_s)}`;
  $('updated').textContent = `updated ${new Date(s.now).toLocaleTimeString()}`;
  renderBreakers(s.breakers);
  $('queue').textContent = s.queue_depth ?? '–';
  $('shed').textContent = s.shed_total;
  $('quality').textContent = `${(s.serving.quality * 100).toFixed(1)} %`;
  $('serving').textContent = `${s.serving.personalised} / ${s.serving.fallback}`;
  const open = s.breakers.filter((b) => b.state !== 'closed').map((b) => `${b.name} ${b.state}`);
  const problems = [...(s.serving.degraded ? ['only fallbacks served in the last 30 s'] : []), ...open];
  $('banner').hidden = problems.length === 0;
  $('banner').textContent = problems.join(' · ');
  renderModels(s.models);
  renderExtra(s);
}

const plots = {};

function plotWidth(id) {
  return Math.max(320, $(id).clientWidth || 520);
}

// One uPlot per chart; rebuilt only when the set of columns changes (a new served_by or reason appears).
function draw(id, labels, data, yLabel) {
  const key = labels.join('|');
  let p = plots[id];
  if (!p || p.key !== key) {
    if (p) p.plot.destroy();
    const series = [
      {},
      ...labels.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false })),
    ];
    const opts = {
      width: plotWidth(id),
      height: 220,
      series,
      scales: { x: { time: true } },
      axes: [{}, { label: yLabel, size: 60 }],
      legend: { live: true },
    };
    p = { key, plot: new uPlot(opts, data, $(id)) };
    plots[id] = p;
  } else p.plot.setData(data);
  $(id).dataset.points = String(data[0].length);
}

function renderSeries(s) {
  draw('plot-rate', ['requests', 'recommendations'], [s.t, s.requests_per_s, s.recommend_per_s], 'per s');
  draw('plot-latency', ['p50', 'p99'], [s.t, s.p50_ms, s.p99_ms], 'ms');
  const served = Object.keys(s.served_by);
  draw(
    'plot-served',
    served.length ? served : ['(none yet)'],
    [s.t, ...(served.length ? served.map((k) => s.served_by[k]) : [s.t.map(() => 0)])],
    'per s',
  );
  const reasons = Object.keys(s.reason);
  draw(
    'plot-reason',
    reasons.length ? reasons : ['(none yet)'],
    [s.t, ...(reasons.length ? reasons.map((k) => s.reason[k]) : [s.t.map(() => 0)])],
    'per s',
  );
}

function loop(fn, every) {
  const run = async () => {
    try {
      await fn();
    } catch (e) {
      $('updated').textContent = `update failed: ${e.message}`;
    }
    setTimeout(run, every);
  };
  run();
}

function init() {
  const input = $('token');
  input.value = sessionStorage.getItem(TOKEN_KEY) || '';
  input.addEventListener('change', () => {
    if (input.value) sessionStorage.setItem(TOKEN_KEY, input.value);
    else sessionStorage.removeItem(TOKEN_KEY);
  });
  loop(async () => renderStatus(await getJson('/v1/status')), STATUS_EVERY_MS);
  loop(async () => renderSeries(await getJson('/v1/status/series')), SERIES_EVERY_MS);
  window.addEventListener('resize', () => {
    for (const [id, p] of Object.entries(plots)) p.plot.setSize({ width: plotWidth(id), height: 220 });
  });
}

init();
