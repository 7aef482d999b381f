// LLM Fleet dashboard: polls /admin/fleet (the gateway's fleet monitor) and draws cards and SVG line charts.
// Hand-written, no dependencies, so the gateway serves it from its assembly with nothing fetched from elsewhere.
"use strict";

const params = new URLSearchParams(location.search);
const INTERVAL_MS = Math.max(200, Number(params.get("interval_ms")) || 2000);
const HISTORY = 120;
const COLORS = ["#38bdf8", "#f472b6", "#a3e635", "#fbbf24", "#c084fc", "#fb7185", "#2dd4bf", "#f97316"];
const history = new Map(); // backend name -> [{t, gen, ttft, kv, waiting}]

const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};
const num = (v, digits = 1) => v === null || v === undefined ? "–" : Number(v).toFixed(digits);
const pct = (v) => v === null || v === undefined ? "–" : (v * 100).toFixed(0) + " %";
const secs = (v) => v === null || v === undefined ? "–" : v < 1 ? (v * 1000).toFixed(0) + " ms" : v.toFixed(2) + " s";
const gb = (b) => (b / 1e9).toFixed(0) + " GB";
const level = (v, warn, bad) => v === null || v === undefined ? "" : v >= bad ? "bad" : v >= warn ? "warn" : "";

// The fleet's data needs the gateway's admin key (unless the gateway opens it with monitoring.public_read). The key
// is asked for on the page and kept in this tab's session storage only; URLs are relative, so the page works behind
// a path prefix.
const KEY_ITEM = "llmfleet.admin_key";

function askForKey(message) {
  $("login-message").textContent = message;
  $("login").hidden = false;
  $("login-key").focus();
}

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY_ITEM, $("login-key").value.trim());
  $("login-key").value = "";
  $("login").hidden = true;
});

async function tick() {
  try {
    const key = sessionStorage.getItem(KEY_ITEM);
    const headers = key ? { Authorization: "Bearer " + key } : {};
    const response = await fetch("../admin/fleet", { cache: "no-store", headers });
    if (response.status === 401 || response.status === 403) {
      if (key) sessionStorage.removeItem(KEY_ITEM);
      const body = await response.json().catch(() => null);
      askForKey(key ? "That key was refused. " : (body && body.error && body.error.message) || "The fleet's data needs the admin key.");
      throw new Error("the admin key is needed");
    }
    if (!response.ok) throw new Error("HTTP " + response.status);
    $("login").hidden = true;
    render(await response.json());
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    $("updated").textContent = "gateway unreachable: " + e.message;
  }
  setTimeout(tick, INTERVAL_MS);
}

function render(fleet) {
  const backends = uniqueBackends(fleet);
  const sum = (f) => backends.reduce((a, b) => a + (b[f] || 0), 0);
  const up = backends.filter((b) => b.status === "up").length;
  $("kpi-up").textContent = up + " / " + backends.length;
  $("kpi-up").className = "value" + (up < backends.length ? " bad" : "");
  $("kpi-gen").textContent = num(sum("generation_tokens_per_second"), 0);
  $("kpi-prompt").textContent = num(sum("prompt_tokens_per_second"), 0);
  $("kpi-rps").textContent = num(sum("requests_per_second"), 2);
  $("kpi-waiting").textContent = num(sum("waiting"), 0);
  $("kpi-alerts").textContent = String(fleet.alerts.length);
  $("kpi-alerts").className = "value" + (fleet.alerts.length ? " bad" : "");
  renderAlerts(fleet.alerts);
  renderModels(fleet.models);
  record(backends);
  renderCharts(backends);
}

function uniqueBackends(fleet) {
  const seen = new Map();
  for (const m of fleet.models) for (const b of m.backends) seen.set(b.id, b);
  return [...seen.values()].sort((a, b) => a.id - b.id);
}

function renderAlerts(alerts) {
  const box = $("alerts");
  box.replaceChildren();
  for (const a of alerts) {
    const row = el("div", "alert " + a.severity);
    row.dataset.rule = a.rule;
    row.dataset.backend = a.backend;
    row.append(el("b", "", a.alert_name), el("span", "", "backend " + a.backend_id + " (" + a.backend + "): " + a.evidence));
    box.append(row);
  }
}

function renderModels(models) {
  const root = $("models");
  root.replaceChildren();
  for (const m of models) {
    root.append(el("h2", "", m.name + "  ·  " + m.policy + "  ·  " + m.backends.length + " backend" + (m.backends.length === 1 ? "" : "s")));
    const grid = el("div", "grid");
    for (const b of m.backends) grid.append(card(b));
    root.append(grid);
  }
}

function card(b) {
  const c = el("article", "card " + b.status);
  c.id = "backend-" + b.id;
  c.dataset.name = b.name;
  const head = el("div", "head");
  head.append(el("span", "name", b.id + " · " + b.name), el("span", "status " + b.status, b.status));
  c.append(head);
  const grid = el("div", "metrics");
  const metric = (label, value, cls, key) => {
    const m = el("div", "metric");
    const v = el("div", "value " + (cls || ""), value);
    v.dataset.metric = key;
    m.append(el("div", "label", label), v);
    grid.append(m);
  };
  metric("gen tok/s", num(b.generation_tokens_per_second, 0), "", "gen");
  metric("TTFT p95", secs(b.ttft_p95_seconds), level(b.ttft_p95_seconds, 2, 5), "ttft");
  metric("ITL p95", secs(b.inter_token_p95_seconds), level(b.inter_token_p95_seconds, 0.1, 0.25), "itl");
  metric("running", num(b.running, 0), "", "running");
  metric("waiting", num(b.waiting, 0), level(b.waiting, 1, 6), "waiting");
  metric("errors", b.error_fraction === null ? "–" : (b.error_fraction * 100).toFixed(1) + " %", level(b.error_fraction, 0.001, 0.01), "errors");
  metric("req/s", num(b.requests_per_second, 2), "", "rps");
  metric("preempted", num(b.preemptions_in_window, 0), level(b.preemptions_in_window, 1, 1), "preemptions");
  metric("load time", secs(b.model_load_seconds), "", "load");
  c.append(grid);
  const bars = el("div", "bars");
  const bar = (label, fraction, text, warn, bad) => {
    const row = el("div", "row");
    const outer = el("div", "bar");
    const inner = el("div", level(fraction, warn, bad));
    inner.style.width = Math.max(0, Math.min(1, fraction || 0)) * 100 + "%";
    outer.append(inner);
    row.append(el("span", "", label), outer, el("span", "", text));
    bars.append(row);
    return row;
  };
  bar("KV cache", b.kv_cache_usage_fraction, pct(b.kv_cache_usage_fraction), 0.8, 0.9);
  if (b.gpus) {
    bar("GPU util", b.gpus.utilization_percent / 100, num(b.gpus.utilization_percent, 0) + " %", 2, 2);
    bar("GPU memory", b.gpus.max_memory_used_fraction, pct(b.gpus.max_memory_used_fraction), 0.92, 0.95)
      .title = gb(b.gpus.memory_used_bytes) + " of " + gb(b.gpus.memory_total_bytes) + " on " + b.gpus.count + " GPUs (fullest GPU shown)";
  }
  if (b.host) {
    const used = 1 - b.host.memory_available_bytes / b.host.memory_total_bytes;
    bar("host RAM", used, pct(used), 0.8, 0.9);
    if (b.host.disk_busy_fraction !== null) bar("disk busy", b.host.disk_busy_fraction, pct(b.host.disk_busy_fraction), 0.7, 0.9);
  }
  c.append(bars);
  return c;
}

function record(backends) {
  const t = Date.now();
  for (const b of backends) {
    const h = history.get(b.name) || [];
    h.push({ t, gen: b.generation_tokens_per_second, ttft: b.ttft_p95_seconds, kv: b.kv_cache_usage_fraction, waiting: b.waiting });
    while (h.length > HISTORY) h.shift();
    history.set(b.name, h);
  }
}

function renderCharts(backends) {
  chart("chart-gen", backends, "gen", null);
  chart("chart-ttft", backends, "ttft", null);
  chart("chart-kv", backends, "kv", 1);
  chart("chart-waiting", backends, "waiting", null);
  const legend = $("legend");
  legend.replaceChildren();
  backends.forEach((b, i) => {
    const item = el("span", "", b.id + " · " + b.name);
    const swatch = el("i");
    swatch.style.background = COLORS[i % COLORS.length];
    item.prepend(swatch);
    legend.append(item);
  });
}

// One SVG line chart: a polyline per backend over the last HISTORY polls, y from 0 to the largest value seen.
function chart(id, backends, key, fixedMax) {
  const svg = $(id);
  const W = 400, H = 140, top = 14, bottom = 6;
  let max = fixedMax || 0;
  for (const b of backends) for (const p of history.get(b.name) || []) if (p[key] !== null && p[key] > max) max = p[key];
  if (!max) max = 1;
  const ns = "http://www.w3.org/2000/svg";
  const parts = [];
  for (const f of [0, 0.5, 1]) {
    const y = top + (H - top - bottom) * (1 - f);
    const line = document.createElementNS(ns, "line");
    line.setAttribute("class", "grid-line");
    line.setAttribute("x1", 0); line.setAttribute("x2", W); line.setAttribute("y1", y); line.setAttribute("y2", y);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", 2); label.setAttribute("y", f === 0 ? y - 2 : y + 11);
    label.textContent = Number((max * f).toPrecision(3)).toString();
    parts.push(line, label);
  }
  backends.forEach((b, i) => {
    const h = history.get(b.name) || [];
    const points = h.map((p, j) => p[key] === null || p[key] === undefined ? null
      : [(j + HISTORY - h.length) * (W / (HISTORY - 1)), top + (H - top - bottom) * (1 - p[key] / max)])
      .filter((p) => p !== null).map((p) => p[0].toFixed(1) + "," + p[1].toFixed(1)).join(" ");
    if (!points) return;
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points);
    line.setAttribute("stroke", COLORS[i % COLORS.length]);
    line.dataset.backend = b.name;
    parts.push(line);
  });
  svg.replaceChildren(...parts);
}

tick();
