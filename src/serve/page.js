// netgrow serve's page: controls from /api/config, runs streamed from
// /api/run as server-sent events, charts drawn as SVG by hand. Plain
// JavaScript written for netgrow; no third-party code.
"use strict";

// Errors the page met, for the room (shown) and for tests (read).
window.netgrowErrors = [];
window.addEventListener("error", (e) => window.netgrowErrors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => window.netgrowErrors.push(String(e.reason)));

// Timings of the latest run, in milliseconds since the page loaded: when
// its request left, when its first and last updates were drawn.
window.netgrowTiming = { sent: null, first: null, done: null, runs: 0 };

const token = new URLSearchParams(location.search).get("token");
const client = makeClientId();
const state = { config: null, settings: {}, running: null, debounce: null, pinned: null, last: null };

function makeClientId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function api(path, params) {
  const q = new URLSearchParams(params || {});
  if (token) q.set("token", token);
  const s = q.toString();
  return s ? path + "?" + s : path;
}

function el(tag, attrs, children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children || []) e.appendChild(c);
  return e;
}

function showError(message) {
  const box = document.getElementById("error");
  box.textContent = message;
  box.hidden = false;
}

function clearError() {
  const box = document.getElementById("error");
  box.textContent = "";
  box.hidden = true;
}

// Numbers as the room reads them: money with its currency and thousands
// separators, signed where a difference.
function money(x, signed) {
  if (x === null || x === undefined || !isFinite(x)) return "–";
  const cur = state.config ? state.config.currency : "";
  const rounded = Math.round(Math.abs(x)).toLocaleString("en-GB");
  const sign = x < 0 ? "−" : signed ? "+" : "";
  return sign + cur + rounded;
}

function plain(x, digits) {
  if (x === null || x === undefined || !isFinite(x)) return "–";
  return x.toLocaleString("en-GB", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function interval(stat) {
  if (stat.ci_low === null || stat.ci_high === null || !isFinite(stat.ci_low)) return "";
  return "95% interval " + money(stat.ci_low, true) + " to " + money(stat.ci_high, true);
}

async function start() {
  const response = await fetch(api("/api/config"));
  if (!response.ok) {
    showError("Cannot read the scenario: " + (await errorText(response)));
    return;
  }
  state.config = await response.json();
  document.getElementById("name").textContent = state.config.name;
  document.getElementById("question").textContent = state.config.description;
  buildControls();
  document.getElementById("pin").addEventListener("click", togglePin);
  document.getElementById("reset").addEventListener("click", reset);
  updateDownloads();
  run();
}

function controlId(key) {
  return "control-" + key.replace(/[^A-Za-z0-9_-]/g, "-");
}

function buildControls() {
  const form = document.getElementById("controls");
  form.textContent = "";
  for (const c of state.config.controls) {
    const id = controlId(c.key);
    const label = el("label", { for: id, title: c.key, text: c.label });
    const row = el("div", { class: "row" });
    const box = el("div", { class: "control", "data-key": c.key }, [label, row]);
    if (c.options) {
      const select = el("select", { id: id, "data-key": c.key, title: c.key });
      for (const o of c.options) select.appendChild(el("option", { value: o, text: o }));
      select.value = c.value;
      select.addEventListener("change", () => changed(c, select.value, box));
      row.appendChild(select);
    } else {
      const range = el("input", { type: "range", id: id, min: c.min, max: c.max, step: c.step, value: c.value, "data-key": c.key, title: c.key });
      const number = el("input", { type: "number", id: id + "-number", min: c.min, max: c.max, step: c.step, value: c.value, "data-key": c.key, title: c.key, "aria-label": c.label });
      range.addEventListener("input", () => { number.value = range.value; changed(c, Number(range.value), box); });
      number.addEventListener("change", () => {
        const v = number.value.trim();
        const x = Number(v);
        if (v !== "" && isFinite(x)) range.value = x;
        changed(c, v === "" || !isFinite(x) ? v : x, box);
      });
      row.appendChild(range);
      row.appendChild(number);
      row.appendChild(el("span", { class: "unit", text: c.unit || "" }));
    }
    form.appendChild(box);
  }
}

function changed(control, value, box) {
  if (value === control.value) delete state.settings[control.key];
  else state.settings[control.key] = value;
  box.classList.toggle("changed", control.key in state.settings);
  clearTimeout(state.debounce);
  // A short pause lets a dragged slider settle; each new value cancels
  // the run in flight.
  state.debounce = setTimeout(run, 120);
}

function reset() {
  state.settings = {};
  buildControls();
  run();
}

function updateDownloads() {
  document.getElementById("download-toml").href = api("/api/scenario.toml", { client: client });
  document.getElementById("download-report").href = api("/api/report.html", { client: client });
}

async function errorText(response) {
  try {
    const body = await response.json();
    return body.error || response.statusText;
  } catch (e) {
    return response.status + " " + response.statusText;
  }
}

async function run() {
  if (state.running) state.running.abort();
  const controller = new AbortController();
  state.running = controller;
  const timing = { sent: performance.now(), first: null, done: null, runs: window.netgrowTiming.runs + 1 };
  window.netgrowTiming = timing;
  setStatus(0, "Running…");
  let response;
  try {
    response = await fetch(api("/api/run"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ client: client, settings: state.settings }),
      signal: controller.signal,
    });
  } catch (e) {
    if (controller.signal.aborted) return;
    showError("The server cannot be reached: " + e);
    return;
  }
  if (!response.ok) {
    showError(await errorText(response));
    setStatus(0, "Not run: fix the setting shown in red.");
    if (state.running === controller) state.running = null;
    return;
  }
  clearError();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = event.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, "")).join("\n");
        if (data && state.running === controller) {
          const update = JSON.parse(data);
          draw(update);
          if (timing.first === null) timing.first = performance.now();
          if (update.kind === "done") timing.done = performance.now();
        }
      }
    }
  } catch (e) {
    if (!controller.signal.aborted) showError("The run stopped: " + e);
  }
  if (state.running === controller) state.running = null;
}

function setStatus(fraction, text) {
  document.getElementById("progress-bar").style.width = Math.round(fraction * 100) + "%";
  document.getElementById("status-text").textContent = text;
}

function draw(u) {
  state.last = u;
  const done = u.kind === "done";
  setStatus(u.replicates_done / u.replicates,
    (done ? "Done: " : "Running: ") + u.replicates_done + " of " + u.replicates + " replicates, " + plain(u.elapsed_seconds, 1) + " s" + (done ? "" : " (bands tighten as replicates come in)"));
  drawHeadline(u);
  const net = u.baseline ? "Net value per member above staying home, to date" : "Net value per member to date (gross: no stay-home baseline)";
  document.getElementById("net-caption").firstChild.textContent = net + " ";
  const pinned = state.pinned && state.pinned.update;
  chart(document.getElementById("chart-referrals"), u.series, "referrals", pinned, (x) => plain(x, 2), u.years);
  chart(document.getElementById("chart-net"), u.series, "net_value", pinned, (x) => money(x, false), u.years);
}

function drawHeadline(u) {
  const [first, ...rest] = u.headline;
  const big = document.getElementById("headline");
  if (!first) return;
  const years = u.years + " year" + (u.years === 1 ? "" : "s");
  document.getElementById("headline-label").textContent = sentenceLabel(first.label) + ", net value per member over " + years;
  big.textContent = money(first.stat.mean, true);
  big.setAttribute("data-value", String(first.stat.mean));
  big.setAttribute("data-replicates", String(u.replicates_done));
  big.setAttribute("data-kind", u.kind);
  big.className = "big " + (first.verdict === "a_ahead" ? "ahead" : first.verdict === "b_ahead" ? "behind" : "");
  const [a, b] = first.label.split(" vs ");
  const verdict = first.verdict === "a_ahead" ? sentenceLabel(a) + " ends ahead"
    : first.verdict === "b_ahead" ? sentenceLabel(b || "the other") + " ends ahead"
    : "Too close to call: the interval includes zero";
  document.getElementById("headline-note").textContent = [verdict, interval(first.stat)].filter(Boolean).join(" · ");
  const pinnedNote = document.getElementById("headline-pinned");
  const vs = (u.versus_pinned || []).find((v) => v.id === first.id);
  pinnedNote.hidden = !vs;
  if (vs) pinnedNote.textContent = "Against the pinned baseline (" + money(vs.pinned.mean, true) + "): " + money(vs.difference.mean, true) + (vs.verdict === "tie" ? ", a tie" : "") + " (paired, same seed)";
  const cards = document.getElementById("cards");
  cards.textContent = "";
  for (const f of rest) {
    const card = el("div", { class: "card", "data-id": f.id }, [
      el("div", { class: "what", text: sentenceLabel(f.label) }),
      el("div", { class: "value", text: money(f.stat.mean, true), "data-value": String(f.stat.mean) }),
    ]);
    const v = (u.versus_pinned || []).find((p) => p.id === f.id);
    if (v) card.appendChild(el("div", { class: "vs", text: "vs pinned: " + money(v.difference.mean, true) }));
    cards.appendChild(card);
  }
}

function sentenceLabel(label) {
  return label.charAt(0).toUpperCase() + label.slice(1);
}

async function togglePin() {
  const button = document.getElementById("pin");
  const on = !state.pinned;
  const response = await fetch(api("/api/pin"), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client: client, on: on }),
  });
  if (!response.ok) {
    showError(await errorText(response));
    return;
  }
  clearError();
  state.pinned = on ? { update: state.last, settings: Object.assign({}, state.settings) } : null;
  button.classList.toggle("on", on);
  button.textContent = on ? "Unpin the baseline (dashed lines)" : "Pin these settings as the baseline";
  if (state.last) draw(state.last);
}

// A chart of each series' monthly [mean, low, high] points: a band for
// the interval, a line for the mean; the pinned run's means dashed.
function chart(svg, series, field, pinned, format, years) {
  const W = 900, H = 300, left = 90, right = 150, top = 14, bottom = 38;
  const ns = "http://www.w3.org/2000/svg";
  const add = (parent, tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e);
    return e;
  };
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const all = series.concat(pinned ? pinned.series : []);
  const months = Math.max(1, ...all.map((s) => s[field].length));
  let lo = 0, hi = 0;
  for (const s of all) {
    for (const [m, l, h] of s[field]) {
      for (const v of [m, l, h]) {
        if (v !== null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      }
    }
  }
  if (hi === lo) hi = lo + 1;
  const ticks = niceTicks(lo, hi);
  lo = Math.min(lo, ticks[0]);
  hi = Math.max(hi, ticks[ticks.length - 1]);
  const x = (i) => left + (i / Math.max(1, months - 1)) * (W - left - right);
  const y = (v) => top + (1 - (v - lo) / (hi - lo)) * (H - top - bottom);
  for (const t of ticks) {
    add(svg, "line", { class: "grid", x1: left, x2: W - right, y1: y(t), y2: y(t) });
    add(svg, "text", { x: left - 8, y: y(t) + 4, "text-anchor": "end" }, format(t));
  }
  add(svg, "line", { class: "axis", x1: left, x2: W - right, y1: y(0), y2: y(0) });
  for (let yr = 0; yr <= years; yr++) {
    const i = Math.min(months - 1, yr * 12 - 1);
    if (yr > 0) add(svg, "text", { x: x(i), y: H - bottom + 18, "text-anchor": "middle" }, "year " + yr);
  }
  series.forEach((s, k) => {
    const colour = s.colour;
    const pts = s[field];
    const upper = [], lower = [];
    pts.forEach(([, l, h], i) => {
      if (l !== null && h !== null && isFinite(l) && isFinite(h)) { upper.push(x(i) + "," + y(h)); lower.unshift(x(i) + "," + y(l)); }
    });
    if (upper.length > 1) add(svg, "polygon", { points: upper.concat(lower).join(" "), fill: colour, "fill-opacity": 0.18, stroke: "none" });
    const line = pts.map(([m], i) => (m === null ? null : x(i) + "," + y(m))).filter(Boolean).join(" ");
    add(svg, "polyline", { points: line, fill: "none", stroke: colour, "stroke-width": 3 });
    const lastIndex = pts.length - 1;
    if (lastIndex >= 0 && pts[lastIndex][0] !== null) {
      add(svg, "text", { x: W - right + 8, y: y(pts[lastIndex][0]) + 5, fill: colour, "font-weight": 600, style: "fill:" + colour + ";font-size:18px" }, s.name);
    }
  });
  if (pinned) {
    pinned.series.forEach((s) => {
      const colour = s.colour;
      const line = s[field].map(([m], i) => (m === null ? null : x(i) + "," + y(m))).filter(Boolean).join(" ");
      add(svg, "polyline", { points: line, fill: "none", stroke: colour, "stroke-width": 2, "stroke-dasharray": "7 5", opacity: 0.8 });
    });
    add(svg, "text", { x: W - right + 8, y: top + 10 }, "dashed: pinned");
  }
}

function niceTicks(lo, hi) {
  const span = hi - lo;
  const raw = span / 5;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= 6) || 10 * mag;
  const ticks = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 0.999; t += step) ticks.push(Math.round(t / step) * step);
  return ticks;
}

start().catch((e) => {
  window.netgrowErrors.push(String(e));
  showError("The page failed to start: " + e);
});
