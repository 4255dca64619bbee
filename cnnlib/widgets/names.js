// Accessible names for an explorer's controls and a text alternative for its picture.
// ipywidgets draws a control's description as a <label> that points at nothing, and its
// Image has no alt: this view, placed inside the explorer, names every control from the
// description shown beside it and sets the picture's alt, then keeps doing so whenever
// ipywidgets redraws a part of the explorer. It draws nothing itself.

const ICONS = { "fa-play": "play", "fa-pause": "pause", "fa-stop": "stop", "fa-retweet": "repeat" };
// an explorer drawn by matplotlib, or one drawn in the browser (a grid)
const ROOT = ".cnn-explorer, .cnn-grid-explorer";
const CONTROLS = ".noUi-handle, select, input, textarea, button, .widget-readout";

function textOf(node) {
  // a checkbox's spare label holds a zero-width space, which is no name
  return node ? node.textContent.replace(/[\s\u200b]+/g, " ").trim() : "";
}

function name(root, model) {
  const words = model.get("words") || {};
  // a control and its description share one box (.widget-inline-hbox and the like)
  for (const label of root.querySelectorAll("label.widget-label")) {
    const box = label.parentElement;
    const said = textOf(label);
    if (!box || !said) continue;
    for (const c of box.querySelectorAll(CONTROLS)) {
      if (c.closest(ROOT) !== root) continue;  // a nested explorer names its own
      if (c.matches("button") && textOf(c)) continue;     // a button's own text is its name
      const own = c.closest("label");                       // a checkbox inside its own label
      if (own && own !== label && textOf(own)) continue;
      const readout = c.matches(".widget-readout");
      c.setAttribute("aria-label", readout ? `${said} (${words.value || "value"})` : said);
    }
    if (box.matches(".widget-toggle-buttons, .widget-radio")) {
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", said);
    }
  }
  // buttons drawn as an icon only (the ▶ control) get the word for their icon
  for (const b of root.querySelectorAll("button")) {
    if (textOf(b) || b.getAttribute("aria-label")) continue;
    const icon = b.querySelector("i");
    const key = icon && Object.keys(ICONS).find((k) => icon.classList.contains(k));
    const said = (key && words[ICONS[key]]) || b.title;
    if (said) b.setAttribute("aria-label", said);
  }
  // the upload button: its visible text plus what it is for
  for (const u of root.querySelectorAll(".widget-upload")) {
    if (!u.getAttribute("aria-label") && textOf(u)) u.setAttribute("aria-label", textOf(u));
  }
  const alt = model.get("alt") || "";
  for (const img of root.querySelectorAll("img.cnn-explorer-figure")) {
    if (img.getAttribute("alt") !== alt) img.setAttribute("alt", alt);
  }
}

function render({ model, el }) {
  el.style.display = "none";
  el.setAttribute("aria-hidden", "true");
  let root = null, observer = null, tries = 0;
  const apply = () => root && name(root, model);
  const attach = () => {
    root = el.closest(ROOT);
    if (!root) {  // not in the page yet: ipywidgets attaches children after render
      if (tries++ < 200) setTimeout(attach, 50);
      return;
    }
    apply();
    // controls are redrawn (a dropdown's options, a slider's max): name them again
    observer = new MutationObserver(apply);
    observer.observe(root, { childList: true, subtree: true });
  };
  attach();
  model.on("change:alt", apply);
  model.on("change:words", apply);
  return () => {
    if (observer) observer.disconnect();
    model.off("change:alt", apply);
    model.off("change:words", apply);
  };
}

export default { render };
