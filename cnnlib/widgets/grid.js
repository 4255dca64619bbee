// The grid widget's view: draws the numbers Python sent and handles pointing and stepping.
// It computes nothing: every value, product, sum and window coordinate comes in `data`.

// The words this view writes come from Python in data.words (cnnlib.text.i18n: the learner's
// language); these English ones stand in until the first data arrives.
const WORDS = {
  output: "output", max: "max", average: "average", window: "window", taps: "taps (dilated)",
  padding: "padding (zeros)", unread: "never read", kept: "kept by max", cell: "output cell",
  none: "no output cells", step: "step {step} of {n}", pointing: " \u00B7 pointing at output[{i}, {j}]",
  prev: "previous step (\u2190)", play: "play (space); pointing at the output pauses",
  next: "next step (\u2192)", grid: "convolution grid: arrow keys step, space plays",
};

function fillIn(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}
const CELL_H = 28; // px, as .cnn-grid-cell in grid.css

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

function button(text, title, cls) {
  const b = el("button", "cnn-grid-button " + (cls || ""), text);
  b.type = "button";
  b.title = title;
  b.setAttribute("aria-label", title);
  return b;
}

// A panel: a title and a CSS grid of cells; returns {panel, box, cells[r][c]}.
function makeGrid(title, values, cls, cellWidth, fill) {
  const panel = el("div", "cnn-grid-panel " + cls);
  panel.appendChild(el("div", "cnn-grid-title", title));
  const box = el("div", "cnn-grid-cells");
  const rows = values.length, cols = rows ? values[0].length : 0;
  box.style.gridTemplateColumns = `repeat(${cols}, ${cellWidth}px)`;
  box.dataset.rows = rows;
  box.dataset.cols = cols;
  const cells = [];
  for (let r = 0; r < rows; r++) {
    const line = [];
    for (let c = 0; c < cols; c++) {
      const cell = el("div", "cnn-grid-cell", fill(r, c));
      cell.dataset.r = r;
      cell.dataset.c = c;
      box.appendChild(cell);
      line.push(cell);
    }
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

function render({ model, el: host }) {
  const root = el("div", "cnn-grid");
  root.tabIndex = 0;
  root.setAttribute("data-lm-suppress-shortcuts", "true"); // arrows step the grid, not the notebook
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", WORDS.grid);
  const bar = el("div", "cnn-grid-bar");
  const prev = button("\u25C0", WORDS.prev, "cnn-grid-prev");
  const play = button("\u25B6", WORDS.play, "cnn-grid-play");
  const next = button("\u25B6|", WORDS.next, "cnn-grid-next");
  const label = el("span", "cnn-grid-step");
  bar.append(prev, play, next, label);
  const panels = el("div", "cnn-grid-panels");
  const calc = el("div", "cnn-grid-calc");
  const legend = el("div", "cnn-grid-legend");
  root.append(bar, panels, calc, legend);
  host.appendChild(root);

  let W = WORDS;         // the words of the data being shown
  let d = null;          // the data being shown
  let L = null;          // its DOM: input, kernel, terms and output grids
  let hover = null;      // the output cell pointed at (flat index) or null
  let lit = [];          // cells highlighted now, to clear next time
  let timer = null;
  let renders = 0, highlights = 0;

  const nSteps = () => (d ? d.out_shape[0] * d.out_shape[1] : 0);
  const current = () => (hover !== null ? hover : Math.min(model.get("step"), nSteps() - 1));

  function build() {
    const t0 = performance.now();
    d = model.get("data");
    W = { ...WORDS, ...((d && d.words) || {}) };
    root.setAttribute("aria-label", W.grid);
    for (const [b, key] of [[prev, "prev"], [play, "play"], [next, "next"]]) {
      b.title = W[key];
      b.setAttribute("aria-label", W[key]);
    }
    panels.textContent = "";
    lit = [];
    L = null;
    if (!d || !d.input) return;
    const digits = d.digits;
    const [oh, ow] = d.out_shape;
    const [kh, kw] = d.window;
    const outs = d.outputs.map((o) => o.values);
    const w = widthFor([d.input, d.kernel, d.terms.length ? [d.terms.flat()] : null, ...outs],
                       digits);
    const input = makeGrid(d.titles.input, d.input, "cnn-grid-input", w, (r, c) =>
      fmt(d.input[r][c], digits));
    for (let r = 0; r < d.input.length; r++) {
      for (let c = 0; c < d.input[r].length; c++) {
        const cell = input.cells[r][c];
        if (d.pad[r][c]) cell.classList.add("pad");
        if (d.unread[r][c]) cell.classList.add("unread");
        if (d.coverage) {
          const n = el("span", "cnn-grid-count", String(d.coverage[r][c]));
          cell.appendChild(n);
        }
      }
    }
    const frame = el("div", "cnn-grid-frame");
    input.box.appendChild(frame);
    panels.appendChild(input.panel);
    let kernel = null;
    if (d.kernel) {
      kernel = makeGrid(d.titles.kernel, d.kernel, "cnn-grid-kernel", w, (r, c) =>
        fmt(d.kernel[r][c], digits));
      panels.appendChild(kernel.panel);
    }
    const blank = Array.from({ length: kh }, () => Array(kw).fill(null));
    const terms = makeGrid(d.titles.terms, blank, "cnn-grid-terms", w, () => "");
    panels.appendChild(terms.panel);
    const outputs = d.outputs.map((o, k) => {
      const g = makeGrid(o.name, o.values, "cnn-grid-output", w, (r, c) =>
        fmt(o.values[r][c], digits));
      g.panel.dataset.output = k;
      g.box.addEventListener("pointerover", onPoint);
      g.box.addEventListener("pointerleave", onLeave);
      panels.appendChild(g.panel);
      return g;
    });
    L = { input, kernel, terms, outputs, frame, oh, ow, w };
    legend.textContent = "";
    const items = [["cnn-key-win", W.window], ["cnn-key-tap", d.dilation > 1 ? W.taps : null],
      ["cnn-key-pad", d.pad.some((row) => row.some(Boolean)) ? W.padding : null],
      ["cnn-key-unread", d.unread.some((row) => row.some(Boolean)) ? W.unread : null],
      ["cnn-key-best", d.mode === "max" ? W.kept : null], ["cnn-key-cur", W.cell]];
    for (const [cls, text] of items) {
      if (!text) continue;
      const item = el("span", "cnn-grid-key");
      item.append(el("span", "cnn-grid-swatch " + cls), document.createTextNode(text));
      legend.appendChild(item);
    }
    root.dataset.outRows = oh;
    root.dataset.outCols = ow;
    highlight();
    renders += 1;
    root.dataset.buildMs = (performance.now() - t0).toFixed(2); // this view's own work
    root.dataset.renders = renders;
  }

  function term(k, t) {
    // the text of one term of the calculation: "a·b" (conv) or "a" (pooling)
    const r = d.tap_rows[k][t], c = d.tap_cols[k][t];
    const a = fmt(d.input[r][c], d.digits);
    if (!d.kernel) return a;
    const [, kw] = d.window;
    const b = fmt(d.kernel[Math.floor(t / kw)][t % kw], d.digits);
    const wrap = (s) => (s.startsWith("\u2212") ? `(${s})` : s);
    return `${wrap(a)}\u00B7${wrap(b)}`;
  }

  function highlight() {
    const t0 = performance.now();
    for (const [cell, classes] of lit) cell.classList.remove(...classes);
    lit = [];
    const n = nSteps();
    if (!L || n === 0) {
      label.textContent = W.none;
      calc.textContent = "";
      return;
    }
    const k = current();
    const step = Math.min(model.get("step"), n - 1);
    const i = Math.floor(k / L.ow), j = k % L.ow;
    const mark = (cell, ...classes) => { cell.classList.add(...classes); lit.push([cell, classes]); };
    const rows = d.tap_rows[k], cols = d.tap_cols[k];
    const r0 = rows[0], c0 = cols[0], r1 = rows[rows.length - 1], c1 = cols[cols.length - 1];
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) mark(L.input.cells[r][c], "win");
    const best = d.winner ? d.winner[k] : -1;
    for (let t = 0; t < rows.length; t++) {
      mark(L.input.cells[rows[t]][cols[t]], "tap");
      if (t === best) mark(L.input.cells[rows[t]][cols[t]], "best");
    }
    // cells are w × 28 px with 1 px gaps: place the frame by arithmetic, without asking the
    // browser for a layout in the middle of a pointer event
    const pitchX = L.w + 1, pitchY = CELL_H + 1;
    Object.assign(L.frame.style, {
      display: "block", left: `${c0 * pitchX - 2}px`, top: `${r0 * pitchY - 2}px`,
      width: `${(c1 - c0 + 1) * pitchX + 3}px`, height: `${(r1 - r0 + 1) * pitchY + 3}px`,
    });
    const [, kw] = d.window;
    d.terms[k].forEach((v, t) => {
      const cell = L.terms.cells[Math.floor(t / kw)][t % kw];
      cell.textContent = fmt(v, d.digits);
      cell.classList.toggle("best", t === best);
    });
    L.outputs.forEach((g, o) => {
      mark(g.cells[i][j], "cur");
      if (d.reveal) {
        g.cells.forEach((line, r) => line.forEach((cell, c) =>
          cell.classList.toggle("todo", r * L.ow + c > step && r * L.ow + c !== k)));
      }
    });
    calc.textContent = "";
    d.outputs.forEach((o) => {
      const parts = d.terms[k].map((_, t) => term(k, t));
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
      calc.appendChild(line);
    });
    label.textContent = fillIn(W.step, { step: step + 1, n }) +
      (hover !== null ? fillIn(W.pointing, { i, j }) : "");
    play.textContent = model.get("playing") ? "\u23F8" : "\u25B6";
    highlights += 1;
    root.dataset.highlightMs = (performance.now() - t0).toFixed(2); // this view's own work
    root.dataset.step = step;
    root.dataset.current = k;
    root.dataset.highlights = highlights;
  }

  function setStep(s) {
    const n = nSteps();
    if (!n) return;
    model.set("step", ((s % n) + n) % n);
    model.save_changes();
  }

  function onPoint(e) {
    const cell = e.target.closest(".cnn-grid-cell");
    if (!cell || !L) return;
    const k = Number(cell.dataset.r) * L.ow + Number(cell.dataset.c);
    if (k === hover) return;
    hover = k;
    root.dataset.hover = k;
    highlight();
  }

  function onLeave() {
    hover = null;
    delete root.dataset.hover;
    highlight();
  }

  function tick() {
    if (hover !== null) return; // pointing pauses the walk
    setStep(model.get("step") + 1);
  }

  function syncTimer() {
    clearInterval(timer);
    timer = null;
    if (model.get("playing")) timer = setInterval(tick, Math.max(50, model.get("interval_ms")));
    play.textContent = model.get("playing") ? "\u23F8" : "\u25B6";
    root.dataset.playing = model.get("playing");
  }

  function setPlaying(on) {
    model.set("playing", on);
    model.save_changes();
  }

  play.addEventListener("click", () => setPlaying(!model.get("playing")));
  prev.addEventListener("click", () => { setPlaying(false); setStep(model.get("step") - 1); });
  next.addEventListener("click", () => { setPlaying(false); setStep(model.get("step") + 1); });
  root.addEventListener("keydown", (e) => {
    const moves = { ArrowRight: 1, ArrowDown: L ? L.ow : 1, ArrowLeft: -1, ArrowUp: L ? -L.ow : -1 };
    if (e.key in moves) {
      setPlaying(false);
      setStep(model.get("step") + moves[e.key]);
    } else if (e.key === " ") {
      setPlaying(!model.get("playing"));
    } else if (e.key === "Home") {
      setStep(0);
    } else if (e.key === "End") {
      setStep(nSteps() - 1);
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
  });

  const onData = () => build();
  const onStep = () => highlight();
  model.on("change:data", onData);
  model.on("change:step", onStep);
  model.on("change:playing", syncTimer);
  model.on("change:interval_ms", syncTimer);
  build();
  syncTimer();
  return () => {
    clearInterval(timer);
    model.off("change:data", onData);
    model.off("change:step", onStep);
    model.off("change:playing", syncTimer);
    model.off("change:interval_ms", syncTimer);
  };
}

export default { render };
