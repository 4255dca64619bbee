// The grid widget's view: draws the numbers Python sent and handles pointing and stepping.
// It computes nothing: every value, product, sum and window coordinate comes in `data`, and
// every word it writes too (data.words, from cnnlib.widgets.grid.grid_words: the catalogue).
//
// One `view` record holds the widget's DOM and what it shows; small functions below take it.
//
// Keyboard and screen readers (the WAI-ARIA grid pattern): every panel is a role="grid" of
// role="row"s of role="gridcell"s; the output cells are the one tab stop (roving tabindex: the
// cell the window sits on has tabindex 0), the arrow keys move the focus and the window across
// them, Space or Enter plays, and a polite live region says what the focused cell is made of.

const GLYPH = { prev: "\u25C0", play: "\u25B6", pause: "\u23F8", next: "\u25B6|" };

// -- small helpers ---------------------------------------------------------------------------

function fillIn(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function fmt(v, digits) {
  if (v === null || v === undefined) return "";
  let s = Number.isInteger(v) ? String(v) : v.toFixed(digits).replace(/\.?0+$/, "");
  if (s === "-0") s = "0";
  return s.replace("-", "\u2212"); // a real minus sign reads better than a hyphen
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(text, cls) {
  const b = el("button", "cnn-grid-button " + (cls || ""), text);
  b.type = "button";
  return b;
}

function setTitle(node, text) {
  node.title = text;
  node.setAttribute("aria-label", text);
}

// A panel: a title and a CSS grid of cells; returns {panel, box, cells[r][c]}.
// interactive: a role="grid" of gridcells (the output, which takes the focus); else a table.
function makeGrid(title, values, cls, cellWidth, fill, interactive) {
  const panel = el("div", "cnn-grid-panel " + cls);
  panel.appendChild(el("div", "cnn-grid-title", title));
  const box = el("div", "cnn-grid-cells");
  box.setAttribute("role", interactive ? "grid" : "table");
  box.setAttribute("aria-label", title);
  if (interactive) box.setAttribute("aria-readonly", "true");
  const rows = values.length, cols = rows ? values[0].length : 0;
  box.setAttribute("aria-rowcount", rows);
  box.setAttribute("aria-colcount", cols);
  box.style.gridTemplateColumns = `repeat(${cols}, ${cellWidth}px)`;
  box.dataset.rows = rows;
  box.dataset.cols = cols;
  const cells = [];
  for (let r = 0; r < rows; r++) {
    const line = [];
    const row = el("div", "cnn-grid-row"); // display: contents, so the CSS grid sees the cells
    row.setAttribute("role", "row");
    for (let c = 0; c < cols; c++) {
      const cell = el("div", "cnn-grid-cell", fill(r, c));
      cell.setAttribute("role", interactive ? "gridcell" : "cell");
      if (interactive) {
        cell.tabIndex = -1;
        cell.setAttribute("aria-selected", "false");
      }
      cell.dataset.r = r;
      cell.dataset.c = c;
      row.appendChild(cell);
      line.push(cell);
    }
    box.appendChild(row);
    cells.push(line);
  }
  panel.appendChild(box);
  return { panel, box, cells };
}

function widthFor(arrays, digits) {
  let longest = 1;
  for (const a of arrays) {
    if (!a) continue;
    for (const row of a) for (const v of row) longest = Math.max(longest, fmt(v, digits).length);
  }
  return Math.max(30, 9 * longest + 10);
}

// The cell height grid.css gives (--cnn-cell-h), read once per view: the frame is placed by
// arithmetic, without asking the browser for a layout in the middle of a pointer event.
function cellHeight(root, someCell) {
  const h = parseFloat(getComputedStyle(root).getPropertyValue("--cnn-cell-h"));
  return Number.isFinite(h) ? h : someCell.getBoundingClientRect().height;
}

// -- the view --------------------------------------------------------------------------------

function createView(model, host) {
  const root = el("div", "cnn-grid");
  root.setAttribute("data-lm-suppress-shortcuts", "true"); // arrows step the grid, not the notebook
  root.setAttribute("role", "group");
  const bar = el("div", "cnn-grid-bar");
  const prev = button(GLYPH.prev, "cnn-grid-prev");
  const play = button(GLYPH.play, "cnn-grid-play");
  const next = button(GLYPH.next, "cnn-grid-next");
  const label = el("span", "cnn-grid-step");
  bar.append(prev, play, next, label);
  const panels = el("div", "cnn-grid-panels");
  const calc = el("div", "cnn-grid-calc");
  const legend = el("div", "cnn-grid-legend");
  const live = el("div", "cnn-grid-live");
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.setAttribute("aria-atomic", "true");
  root.append(bar, panels, calc, legend, live);
  host.appendChild(root);
  return {
    model, root, prev, play, next, label, panels, calc, legend, live,
    words: {},    // the words of the data being shown
    data: null,   // the data being shown
    dom: null,    // its DOM: input, kernel, terms and output grids, the frame, sizes
    hover: null,  // the output cell pointed at (flat index) or null
    panel: 0,     // the output panel that holds the tab stop (pooling has two)
    lit: [],      // [cell, classes] highlighted now, to clear next time
    timer: null,  // the ▶ interval
    cellH: null,  // px, from grid.css
    renders: 0,
    highlights: 0,
  };
}

const nSteps = (v) => (v.data ? v.data.out_shape[0] * v.data.out_shape[1] : 0);
const stepShown = (v) => Math.min(v.model.get("step"), nSteps(v) - 1);
const current = (v) => (v.hover !== null ? v.hover : stepShown(v));

function applyWords(v) {
  const W = v.words;
  if (W.grid) v.root.setAttribute("aria-label", W.grid);
  for (const key of ["prev", "play", "next"]) if (W[key]) setTitle(v[key], W[key]);
}

// -- build: new data -> new panels -----------------------------------------------------------

function drawInput(d, w, W) {
  const input = makeGrid(d.titles.input, d.input, "cnn-grid-input", w, (r, c) =>
    fmt(d.input[r][c], d.digits));
  for (let r = 0; r < d.input.length; r++) {
    for (let c = 0; c < d.input[r].length; c++) {
      const cell = input.cells[r][c];
      if (d.pad[r][c]) cell.classList.add("pad");
      if (d.unread[r][c]) cell.classList.add("unread");
      if (d.coverage) cell.appendChild(el("span", "cnn-grid-count", String(d.coverage[r][c])));
      if (d.pad[r][c] && W.padding) cell.setAttribute("aria-description", W.padding);
    }
  }
  return input;
}

function drawPanels(v) {
  const d = v.data;
  const [oh, ow] = d.out_shape;
  const [kh, kw] = d.window;
  const w = widthFor([d.input, d.kernel, d.terms.length ? [d.terms.flat()] : null,
                      ...d.outputs.map((o) => o.values)], d.digits);
  const input = drawInput(d, w, v.words);
  const frame = el("div", "cnn-grid-frame");
  frame.setAttribute("aria-hidden", "true");
  input.box.appendChild(frame);
  v.panels.appendChild(input.panel);
  let kernel = null;
  if (d.kernel) {
    kernel = makeGrid(d.titles.kernel, d.kernel, "cnn-grid-kernel", w, (r, c) =>
      fmt(d.kernel[r][c], d.digits));
    v.panels.appendChild(kernel.panel);
  }
  const blank = Array.from({ length: kh }, () => Array(kw).fill(null));
  const terms = makeGrid(d.titles.terms, blank, "cnn-grid-terms", w, () => "");
  v.panels.appendChild(terms.panel);
  const outputs = d.outputs.map((o, k) => {
    const g = makeGrid(o.name, o.values, "cnn-grid-output", w, (r, c) =>
      fmt(o.values[r][c], d.digits), true);
    g.panel.dataset.output = k;
    g.box.addEventListener("pointerover", (e) => onPoint(v, e));
    g.box.addEventListener("pointerleave", () => onLeave(v));
    g.box.addEventListener("focusin", (e) => onFocus(v, k, e));
    v.panels.appendChild(g.panel);
    return g;
  });
  v.cellH = v.cellH || cellHeight(v.root, input.cells[0][0]);
  return { input, kernel, terms, outputs, frame, oh, ow, w, stops: [] };
}

function drawLegend(v) {
  const d = v.data, W = v.words;
  const items = [["cnn-key-win", W.window], ["cnn-key-tap", d.dilation > 1 ? W.taps : null],
    ["cnn-key-pad", d.pad.some((row) => row.some(Boolean)) ? W.padding : null],
    ["cnn-key-unread", d.unread.some((row) => row.some(Boolean)) ? W.unread : null],
    ["cnn-key-best", d.mode === "max" ? W.kept : null], ["cnn-key-cur", W.cell]];
  v.legend.textContent = "";
  for (const [cls, text] of items) {
    if (!text) continue;
    const item = el("span", "cnn-grid-key");
    item.append(el("span", "cnn-grid-swatch " + cls), document.createTextNode(text));
    v.legend.appendChild(item);
  }
}

function build(v) {
  const t0 = performance.now();
  v.data = v.model.get("data");
  v.words = (v.data && v.data.words) || {};
  applyWords(v);
  v.panels.textContent = "";
  v.lit = [];
  v.dom = null;
  if (!v.data || !v.data.input) return;
  v.dom = drawPanels(v);
  drawLegend(v);
  v.root.dataset.outRows = v.dom.oh;
  v.root.dataset.outCols = v.dom.ow;
  highlight(v);
  v.renders += 1;
  v.root.dataset.buildMs = (performance.now() - t0).toFixed(2); // this view's own work
  v.root.dataset.renders = v.renders;
}

// -- highlight: the window of one output cell --------------------------------------------------

function mark(v, cell, ...classes) {
  cell.classList.add(...classes);
  v.lit.push([cell, classes]);
}

function clearMarks(v) {
  for (const [cell, classes] of v.lit) cell.classList.remove(...classes);
  v.lit = [];
}

// the text of one term of the calculation: "a·b" (conv) or "a" (pooling)
function term(d, k, t) {
  const a = fmt(d.input[d.tap_rows[k][t]][d.tap_cols[k][t]], d.digits);
  if (!d.kernel) return a;
  const kw = d.window[1];
  const b = fmt(d.kernel[Math.floor(t / kw)][t % kw], d.digits);
  const wrap = (s) => (s.startsWith("\u2212") ? `(${s})` : s);
  return `${wrap(a)}\u00B7${wrap(b)}`;
}

function markWindow(v, k, best) {
  const d = v.data, cells = v.dom.input.cells;
  const rows = d.tap_rows[k], cols = d.tap_cols[k];
  const r0 = rows[0], c0 = cols[0], r1 = rows[rows.length - 1], c1 = cols[cols.length - 1];
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) mark(v, cells[r][c], "win");
  for (let t = 0; t < rows.length; t++) {
    mark(v, cells[rows[t]][cols[t]], "tap");
    if (t === best) mark(v, cells[rows[t]][cols[t]], "best");
  }
  // cells are w × cellH px with 1 px gaps
  const pitchX = v.dom.w + 1, pitchY = v.cellH + 1;
  Object.assign(v.dom.frame.style, {
    display: "block", left: `${c0 * pitchX - 2}px`, top: `${r0 * pitchY - 2}px`,
    width: `${(c1 - c0 + 1) * pitchX + 3}px`, height: `${(r1 - r0 + 1) * pitchY + 3}px`,
  });
}

function fillTerms(v, k, best) {
  const kw = v.data.window[1];
  v.data.terms[k].forEach((value, t) => {
    const cell = v.dom.terms.cells[Math.floor(t / kw)][t % kw];
    cell.textContent = fmt(value, v.data.digits);
    cell.classList.toggle("best", t === best);
  });
}

// The roving tab stop: the cell the window sits on, in the panel last focused. Only the cells
// that change are touched (every output cell starts at tabindex -1, not selected).
function rove(v, i, j) {
  const active = document.activeElement;
  const focused = v.root.contains(active) && active.classList.contains("cnn-grid-cell");
  for (const cell of v.dom.stops) {
    cell.tabIndex = -1;
    cell.setAttribute("aria-selected", "false");
  }
  v.dom.stops = v.dom.outputs.map((g) => g.cells[i][j]);
  v.dom.stops.forEach((cell, p) => {
    cell.setAttribute("aria-selected", "true");
    if (p !== v.panel) return;
    cell.tabIndex = 0;
    if (focused && active !== cell) cell.focus({ preventScroll: true });
  });
}

function markOutputs(v, k, i, j, step) {
  const ow = v.dom.ow;
  v.dom.outputs.forEach((g) => {
    mark(v, g.cells[i][j], "cur");
    if (v.data.reveal) {
      g.cells.forEach((line, r) => line.forEach((cell, c) =>
        cell.classList.toggle("todo", r * ow + c > step && r * ow + c !== k)));
    }
  });
}

function writeCalc(v, k, i, j) {
  const d = v.data, W = v.words;
  v.calc.textContent = "";
  const parts = d.terms[k].map((_, t) => term(d, k, t));
  d.outputs.forEach((o) => {
    const value = fmt(o.values[i][j], d.digits);
    let text;
    if (o.op === "max") text = `max(${parts.join(", ")}) = ${value}`;
    else if (o.op === "avg") text = `(${parts.join(" + ")}) / ${parts.length} = ${value}`;
    else text = `${parts.join(" + ")} = ${value}`;
    const line = el("div", "cnn-grid-calc-line");
    const opName = { sum: W.output, max: W.max, avg: W.average }[o.op] || o.name;
    line.append(el("span", "cnn-grid-calc-name", `${opName}[${i}, ${j}] = `),
                el("span", "cnn-grid-calc-text", text));
    line.dataset.op = o.op;
    v.calc.appendChild(line);
  });
}

// What the live region says about output cell (i, j): its value, its window, what it sums.
function announce(v, k, i, j) {
  const d = v.data, W = v.words, o = d.outputs[Math.min(v.panel, d.outputs.length - 1)];
  const rows = d.tap_rows[k], cols = d.tap_cols[k];
  const what = { sum: W.live_sum, max: W.live_max, avg: W.live_avg }[o.op] || "";
  const opName = { sum: W.output, max: W.max, avg: W.average }[o.op] || o.name;
  const text = fillIn(W.live || "", {
    name: opName, i, j, value: fmt(o.values[i][j], d.digits),
    r0: rows[0], r1: rows[rows.length - 1], c0: cols[0], c1: cols[cols.length - 1],
    what: fillIn(what, { n: rows.length }),
  });
  if (v.live.textContent !== text) v.live.textContent = text;
}

function highlight(v) {
  const t0 = performance.now();
  clearMarks(v);
  const n = nSteps(v);
  if (!v.dom || n === 0) {
    v.label.textContent = v.words.none || "";
    v.calc.textContent = "";
    v.live.textContent = v.words.none || "";
    return;
  }
  const k = current(v), step = stepShown(v);
  const i = Math.floor(k / v.dom.ow), j = k % v.dom.ow;
  const best = v.data.winner ? v.data.winner[k] : -1;
  markWindow(v, k, best);
  fillTerms(v, k, best);
  markOutputs(v, k, i, j, step);
  writeCalc(v, k, i, j);
  const si = Math.floor(step / v.dom.ow), sj = step % v.dom.ow;
  rove(v, si, sj);
  announce(v, k, i, j);
  v.label.textContent = fillIn(v.words.step || "", { step: step + 1, n }) +
    (v.hover !== null ? fillIn(v.words.pointing || "", { i, j }) : "");
  v.highlights += 1;
  Object.assign(v.root.dataset, {
    highlightMs: (performance.now() - t0).toFixed(2), // this view's own work
    step, current: k, highlights: v.highlights,
  });
}

// -- stepping, playing, pointing, keys ---------------------------------------------------------

function setStep(v, s) {
  const n = nSteps(v);
  if (!n) return;
  v.model.set("step", ((s % n) + n) % n);
  v.model.save_changes();
}

function setPlaying(v, on) {
  v.model.set("playing", on);
  v.model.save_changes();
}

function onPoint(v, e) {
  const cell = e.target.closest(".cnn-grid-cell");
  if (!cell || !v.dom) return;
  const k = Number(cell.dataset.r) * v.dom.ow + Number(cell.dataset.c);
  if (k === v.hover) return;
  v.hover = k;
  v.root.dataset.hover = k;
  highlight(v);
}

// Focus on an output cell: it becomes the step (its window shows, as pointing does).
function onFocus(v, panel, e) {
  const cell = e.target.closest(".cnn-grid-cell");
  if (!cell || !v.dom) return;
  const k = Number(cell.dataset.r) * v.dom.ow + Number(cell.dataset.c);
  const moved = panel !== v.panel;
  v.panel = panel;
  if (k !== stepShown(v)) setStep(v, k);
  else if (moved) highlight(v);
}

function onLeave(v) {
  v.hover = null;
  delete v.root.dataset.hover;
  highlight(v);
}

function tick(v) {
  if (v.hover !== null) return; // pointing pauses the walk
  setStep(v, v.model.get("step") + 1);
}

// The one place the ▶/⏸ glyph follows `playing`.
function syncTimer(v) {
  clearInterval(v.timer);
  v.timer = null;
  const playing = v.model.get("playing");
  if (playing) v.timer = setInterval(() => tick(v), Math.max(50, v.model.get("interval_ms")));
  v.play.textContent = playing ? GLYPH.pause : GLYPH.play;
  v.root.dataset.playing = playing;
}

function onKey(v, e) {
  if (e.target.closest("button")) return; // a button's own Space/Enter clicks it
  const ow = v.dom ? v.dom.ow : 1;
  const moves = { ArrowRight: 1, ArrowDown: ow, ArrowLeft: -1, ArrowUp: -ow };
  if (e.key in moves) {
    setPlaying(v, false);
    setStep(v, v.model.get("step") + moves[e.key]);
  } else if (e.key === " " || e.key === "Enter") {
    setPlaying(v, !v.model.get("playing"));
  } else if (e.key === "Home") {
    setStep(v, 0);
  } else if (e.key === "End") {
    setStep(v, nSteps(v) - 1);
  } else {
    return;
  }
  e.preventDefault();
  e.stopPropagation();
}

function render({ model, el: host }) {
  const v = createView(model, host);
  v.play.addEventListener("click", () => setPlaying(v, !model.get("playing")));
  v.prev.addEventListener("click", () => { setPlaying(v, false); setStep(v, model.get("step") - 1); });
  v.next.addEventListener("click", () => { setPlaying(v, false); setStep(v, model.get("step") + 1); });
  v.root.addEventListener("keydown", (e) => onKey(v, e));
  // a click anywhere on the grid (not a button) puts the focus on the tab stop, so the arrow
  // keys step at once ("click the grid and step with the arrow keys", notebook 02)
  v.root.addEventListener("click", (e) => {
    if (e.target.closest("button, .cnn-grid-output") || !v.dom) return;
    const stop = v.dom.stops[v.panel];
    if (stop) stop.focus({ preventScroll: true });
  });
  const handlers = {
    "change:data": () => build(v),
    "change:step": () => highlight(v),
    "change:playing": () => syncTimer(v),
    "change:interval_ms": () => syncTimer(v),
  };
  for (const [event, handler] of Object.entries(handlers)) model.on(event, handler);
  build(v);
  syncTimer(v);
  return () => {
    clearInterval(v.timer);
    for (const [event, handler] of Object.entries(handlers)) model.off(event, handler);
  };
}

export default { render };
