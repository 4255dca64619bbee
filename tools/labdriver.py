"""Drive the series in a real JupyterLab, in headless Chromium (Playwright for Python).

Used by the browser tests (``tests/browser``) and ``make screenshots``:

    with LabServer() as lab, chromium() as browser:
        page = lab.open_lab(browser)
        open_notebook(page, "02_kernels_and_stride.ipynb")
        seconds = run_all(page)
        print(cell_report(page), explorers(page))

The server starts as ``make lab`` starts it (127.0.0.1, a random token, ``--allow-root`` only for
root), but on a free port, on a *copy* of ``notebooks/`` (so no output is ever saved into the
repository), and with its own JupyterLab settings: no news toast, no autosave, every cell attached
to the page (so off-screen explorers render too), and ``window.jupyterapp`` exposed.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

#: Where Debian (and Ubuntu's deb) put Chromium; CNNLIB_CHROMIUM overrides it.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome",
                       "google-chrome-stable")
#: Root (and many containers) need --no-sandbox; the browser only ever opens our own 127.0.0.1
#: pages. On a closed network it must not phone home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps"]

#: JupyterLab user settings for a driven session (tools/overrides.json holds the news part).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
    # never write outputs back into a notebook while we drive it
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # attach every cell, so explorers below the fold render and can be checked
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def find_chromium() -> str | None:
    """The Chromium executable to use, or None when there is none."""
    wanted = os.environ.get("CNNLIB_CHROMIUM")
    for name in ([wanted] if wanted else CHROMIUM_CANDIDATES):
        path = shutil.which(name) if not os.path.isabs(name) else (
            name if os.access(name, os.X_OK) else None)
        if path:
            return path
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


class LabServer:
    """``jupyter lab`` in a subprocess, on a copy of the notebooks; a context manager."""

    def __init__(self, notebooks: Path | str = NOTEBOOKS, *, env: dict | None = None,
                 settings: dict | None = None, startup_timeout: float = 90):
        self.source = Path(notebooks)
        self.extra_env = env or {}
        self.settings = {**LAB_SETTINGS, **(settings or {})}
        self.startup_timeout = startup_timeout
        self.token = secrets.token_hex(24)
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.log_path: Path | None = None

    # -- lifecycle --------------------------------------------------------------------------
    def __enter__(self) -> LabServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="cnn-lab-")
        tmp = Path(self._tmp.name)
        self.root_dir = tmp / "notebooks"
        shutil.copytree(self.source, self.root_dir,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        # notebooks that look next door (../data) find the same files as in the repository
        if (ROOT / "data").is_dir() and not (tmp / "data").exists():
            (tmp / "data").symlink_to(ROOT / "data", target_is_directory=True)
        settings_dir = tmp / "user-settings"
        for rel, values in self.settings.items():
            path = settings_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        env = dict(os.environ)
        # Kernels inherit this environment: CNNLIB_QUICK passes through; the Agg backend the unit
        # tests set must not, or plt.show() would draw nothing inline.
        env.pop("MPLBACKEND", None)
        env.update({"JUPYTERLAB_SETTINGS_DIR": str(settings_dir),
                    "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
                    "PYTHONUNBUFFERED": "1"})
        env.update(self.extra_env)
        self.log_path = tmp / "jupyter-lab.log"
        for _attempt in range(3):  # a free port can be taken between asking and binding
            self.port = free_port()
            cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                   "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={self.root_dir}",
                   f"--LabApp.user_settings_dir={settings_dir}",
                   f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
                   "--LabApp.expose_app_in_browser=True",
                   "--ServerApp.shutdown_no_activity_timeout=0"]
            if is_root():  # JupyterLab refuses to run as root without it
                cmd.append("--allow-root")
            log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
            self._log = log
            self.proc = subprocess.Popen(cmd, cwd=self.root_dir, env=env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
            if self._wait_ready():
                return
            self._kill()
        raise RuntimeError("jupyter lab did not start:\n" + self.log_tail())

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                self.api("GET", "/api/status")
                return True
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.25)
        return False

    def _kill(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, 9)
                self.proc.wait(5)
        self._log.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(Exception):  # shut kernels down cleanly first
                for kernel in self.api("GET", "/api/kernels"):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}")
        self._kill()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def log_tail(self, n: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    # -- REST -------------------------------------------------------------------------------
    def api(self, method: str, path: str, body=None, timeout: float = 10):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read().decode()
        return json.loads(text) if text.strip() else None

    def set_setting(self, plugin: str, values: dict) -> None:
        """Change a JupyterLab setting for pages loaded from now on, e.g. the locale."""
        self.api("PUT", f"/lab/api/settings/{plugin}", {"raw": json.dumps(values)})

    # -- pages ------------------------------------------------------------------------------
    def open_lab(self, browser, *, viewport=(1280, 900), timeout: float = 60):
        """A new page with JupyterLab loaded and restored; returns it."""
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = context.new_page()
        page.goto(f"{self.url}/lab?reset&token={self.token}", timeout=timeout * 1000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell",
                               timeout=timeout * 1000)
        page.evaluate("async () => { await window.jupyterapp.restored; }")
        return page


@contextlib.contextmanager
def chromium(executable: str | None = None, headless: bool = True):
    """Playwright's Chromium driver with the system's Chromium (Playwright's download is not
    used)."""
    from playwright.sync_api import sync_playwright

    executable = executable or find_chromium()
    if executable is None:
        raise FileNotFoundError("no Chromium found (Debian/Ubuntu: apt install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=headless,
                                    args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# -- notebook actions (JavaScript run inside the page, through window.jupyterapp) -------------

_CURRENT = "window.jupyterapp.shell.currentWidget"


def open_notebook(page, path: str, timeout: float = 60) -> None:
    """Open a notebook and wait for its kernel. The kernel named in the notebook's metadata
    starts by itself; should a "Select Kernel" dialog appear all the same, it is accepted."""
    page.evaluate("""async ([path, timeoutMs]) => {
        const app = window.jupyterapp;
        const open = (async () => {
            const w = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
            await w.context.ready;
            app.shell.activateById(w.id);
        })();
        await Promise.race([open, new Promise((_, no) => setTimeout(
            () => no(new Error('the notebook did not open: ' + path)), timeoutMs))]);
    }""", [path, timeout * 1000])
    deadline = time.monotonic() + timeout
    while True:
        idle = page.evaluate(f"""() => {{
            const w = {_CURRENT};
            const k = w && w.sessionContext && w.sessionContext.session
                && w.sessionContext.session.kernel;
            return !!k && k.status === 'idle';
        }}""")
        if idle:
            return
        accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
        if accept.count():
            accept.first.click()
        if time.monotonic() > deadline:
            raise TimeoutError(f"the kernel of {path} did not become idle in {timeout:.0f} s")
        page.wait_for_timeout(200)


def run_all(page, timeout: float = 600) -> float:
    """Run every cell of the current notebook; return seconds until the kernel is idle again."""
    start = time.monotonic()
    page.evaluate("""() => {
        window.__cnnRunAll = 'running';
        window.jupyterapp.commands.execute('notebook:run-all-cells').then(
            () => { window.__cnnRunAll = 'done'; },
            (err) => { window.__cnnRunAll = 'failed: ' + err; });
    }""")
    # run-all stops at the first error; "done" means: the command finished, nothing queued or
    # running, the kernel idle
    page.wait_for_function(f"""() => {{
        if (window.__cnnRunAll === 'running') return false;
        const w = {_CURRENT};
        const k = w.sessionContext.session && w.sessionContext.session.kernel;
        if (!k || k.status !== 'idle') return false;
        for (const p of w.node.querySelectorAll('.jp-InputArea-prompt'))
            if (p.textContent.includes('*')) return false;
        return true;
    }}""", timeout=timeout * 1000, polling=250)
    state = page.evaluate("() => window.__cnnRunAll")
    if state != "done":
        raise RuntimeError(f"run all cells: {state}")
    return time.monotonic() - start


def cell_report(page) -> list[dict]:
    """One dict per code cell: index, whether it ran, its errors and its output types."""
    return page.evaluate(f"""() => {{
        const w = {_CURRENT};
        const out = [];
        const cells = w.content.model.cells;
        for (let i = 0; i < cells.length; i++) {{
            const c = cells.get(i);
            if (c.type !== 'code') continue;
            const outputs = c.outputs.toJSON();
            out.push({{
                index: i,
                source: c.sharedModel.getSource().slice(0, 120),
                executionCount: c.executionCount,
                errors: outputs.filter(o => o.output_type === 'error')
                               .map(o => o.ename + ': ' + o.evalue),
                widgets: outputs.filter(o => o.data &&
                    o.data['application/vnd.jupyter.widget-view+json'])
                    .map(o => o.data['application/vnd.jupyter.widget-view+json'].model_id),
            }});
        }}
        return out;
    }}""")


def widget_problems(page) -> list[str]:
    """Widget outputs that failed to show (e.g. "Error displaying widget")."""
    return page.evaluate(f"""() => {{
        const w = {_CURRENT};
        const bad = [];
        for (const el of w.node.querySelectorAll('.jp-OutputArea-output')) {{
            const t = el.textContent || '';
            if (t.includes('Error displaying widget') || t.includes('Error rendering'))
                bad.push(t.trim().slice(0, 200));
        }}
        return bad;
    }}""")


def explorers(page) -> list[dict]:
    """Every explorer in the current notebook: its title, sliders, info, message and image."""
    return page.evaluate(f"""() => {{
        const w = {_CURRENT};
        return [...w.node.querySelectorAll('.cnn-explorer')].map((el, i) => {{
            const img = el.querySelector('img.cnn-explorer-figure');
            const msg = el.querySelector('.cnn-explorer-message');
            const info = el.querySelector('.cnn-explorer-info');
            const b = el.querySelector(':scope > .widget-html b');
            const sliders = [...el.querySelectorAll('.widget-slider')].map(s => ({{
                description: (s.querySelector('.widget-label') || {{}}).textContent || '',
                value: (s.querySelector('.widget-readout') || {{}}).textContent || '',
                min: (s.querySelector('.noUi-handle') || {{getAttribute: () => null}})
                        .getAttribute('aria-valuemin'),
                max: (s.querySelector('.noUi-handle') || {{getAttribute: () => null}})
                        .getAttribute('aria-valuemax'),
            }}));
            const dropdowns = [...el.querySelectorAll('.widget-dropdown')].map(d => ({{
                description: (d.querySelector('.widget-label') || {{}}).textContent || '',
                value: (d.querySelector('select') || {{}}).value || '',
                label: (() => {{ const s = d.querySelector('select');
                    return s && s.selectedOptions[0] ? s.selectedOptions[0].textContent : ''; }})(),
            }}));
            const r = img ? img.getBoundingClientRect() : null;
            return {{
                index: i,
                title: b ? b.textContent : '',
                hasImage: !!img,
                src: img ? img.getAttribute('src') || '' : '',
                naturalWidth: img ? img.naturalWidth : 0,
                shownWidth: r ? r.width : 0,
                info: info ? info.textContent.trim() : null,
                controls: el.querySelectorAll(
                    '.widget-slider, .widget-dropdown, .widget-text, .widget-checkbox').length,
                message: msg ? msg.textContent.trim() : null,
                sliders, dropdowns,
            }};
        }});
    }}""")


def image_digest(page, index: int) -> str:
    """SHA-256 of the PNG bytes shown by explorer ``index`` (its src is a blob: or data: URL)."""
    return page.evaluate(f"""async (i) => {{
        const el = {_CURRENT}.node.querySelectorAll('.cnn-explorer')[i];
        const img = el.querySelector('img.cnn-explorer-figure');
        const buf = await (await fetch(img.src)).arrayBuffer();
        const h = await crypto.subtle.digest('SHA-256', buf);
        return [...new Uint8Array(h)].map(b => b.toString(16).padStart(2, '0')).join('');
    }}""", index)


def slider_handle(page, explorer_index: int, slider_index: int):
    """The keyboard-focusable handle of one slider of one explorer (a Playwright locator)."""
    return (page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .cnn-explorer")
            .nth(explorer_index).locator(".widget-slider").nth(slider_index)
            .locator(".noUi-handle"))


def press_and_time(page, explorer_index: int, slider_index: int, key: str = "ArrowRight",
                   timeout_ms: int = 15000) -> dict:
    """Focus a slider handle, press ``key``; return the times (ms, browser clock) from the key
    press to the new image src and to the new image decoded, or ``changed: False``."""
    handle = slider_handle(page, explorer_index, slider_index)
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.evaluate(f"""([i, timeoutMs]) => {{
        const el = {_CURRENT}.node.querySelectorAll('.cnn-explorer')[i];
        const img = el.querySelector('img.cnn-explorer-figure');
        const before = img.getAttribute('src');
        const t = {{}};
        window.__cnnPress = new Promise(resolve => {{
            const onKey = () => {{ t.key = performance.now(); }};
            document.addEventListener('keydown', onKey, {{capture: true, once: true}});
            const done = (changed) => {{ obs.disconnect(); clearTimeout(timer);
                resolve({{changed, ...t}}); }};
            const obs = new MutationObserver(async () => {{
                if (img.getAttribute('src') === before) return;
                t.src = performance.now();
                obs.disconnect();
                try {{ await img.decode(); }} catch (e) {{ /* a revoked blob: keep t.src */ }}
                t.decoded = performance.now();
                done(true);
            }});
            obs.observe(img, {{attributes: true, attributeFilter: ['src']}});
            const timer = setTimeout(() => done(false), timeoutMs);
        }});
    }}""", [explorer_index, timeout_ms])
    page.keyboard.press(key)
    t = page.evaluate("() => window.__cnnPress")
    if t.get("changed"):
        t["src_ms"] = t["src"] - t["key"]
        t["decoded_ms"] = t["decoded"] - t["key"]
    return t


def shutdown_current(page) -> None:
    """Shut the current notebook's kernel down and close it without saving."""
    page.evaluate(f"""async () => {{
        const w = {_CURRENT};
        if (!w || !w.sessionContext) return;
        try {{
            await Promise.race([w.sessionContext.shutdown(),
                                new Promise(ok => setTimeout(ok, 20000))]);
        }} catch (e) {{}}
        w.context.model.dirty = false;
        w.dispose();
    }}""")


def kernel_execute(page, code: str, timeout: float = 60) -> str:
    """Run ``code`` silently in the current notebook's kernel; return its printed text."""
    return page.evaluate("""async ([code, timeoutMs]) => {
        const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        let out = '';
        const f = k.requestExecute({code, silent: false, store_history: false});
        f.onIOPub = (msg) => {
            const t = msg.header.msg_type;
            if (t === 'stream') out += msg.content.text;
            if (t === 'error') out += msg.content.ename + ': ' + msg.content.evalue;
        };
        await Promise.race([f.done, new Promise((_, no) => setTimeout(
            () => no(new Error('kernel did not answer')), timeoutMs))]);
        return out;
    }""", [code, timeout * 1000])


_DRAW_STATS = """
import json as _json
from ipywidgets.widgets.widget import _instances as _cnn_instances
from cnnlib.widgets.base import Explorer as _CnnExplorer
print(_json.dumps({_k: [_w.draw_count, _w.last_draw_ms] for _k, _w in
                   list(_cnn_instances.items()) if isinstance(_w, _CnnExplorer)}))
del _json, _cnn_instances, _CnnExplorer
"""


def explorer_model_ids(page, model_ids: list[str]) -> list[str]:
    """Those of ``model_ids`` that are cnnlib Explorers drawing a picture in the kernel (the
    grid explorers, drawn in the browser, have tests of their own: tests/browser/test_grid.py)."""
    code = ("import json as _j\nfrom ipywidgets.widgets.widget import _instances as _i\n"
            "from cnnlib.widgets.base import Explorer as _E\n"
            f"print(_j.dumps([m for m in {model_ids!r} if isinstance(_i.get(m), _E) "
            "and _i.get(m).image is not None]))\n"
            "del _j, _i, _E")
    return json.loads(kernel_execute(page, code).strip().splitlines()[-1])


def explorer_draw_stats(page) -> dict:
    """{model_id: [draw_count, last_draw_ms]} for every live Explorer in the kernel: the
    kernel's own share (compute + draw + PNG) of a redraw."""
    return json.loads(kernel_execute(page, _DRAW_STATS).strip().splitlines()[-1])


#: A "7" in the unit square: a top bar, then the diagonal (for the draw-a-digit canvas).
SEVEN = [[(0.25, 0.22), (0.75, 0.22), (0.45, 0.85)]]


def draw_strokes(page, locator, strokes=SEVEN, steps: int = 12) -> None:
    """Draw with the mouse on the element ``locator`` (a canvas): press, move through each
    stroke's points (fractions of the element's box) in small steps, release."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box, "the canvas is not on the page"
    for stroke in strokes:
        pts = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in stroke]
        page.mouse.move(*pts[0])
        page.mouse.down()
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            for s in range(1, steps + 1):
                page.mouse.move(x0 + (x1 - x0) * s / steps, y0 + (y1 - y0) * s / steps)
                page.wait_for_timeout(15)  # a hand, not a teleport: the kernel sees the path
        page.mouse.up()


def settle(page, timeout: float = 30, quiet_ms: int = 150) -> None:
    """Wait until the current notebook's kernel is idle, then ``quiet_ms`` for the page."""
    page.wait_for_function(f"""() => {{
        const k = {_CURRENT}.sessionContext.session.kernel;
        return k && k.status === 'idle';
    }}""", timeout=timeout * 1000, polling=50)
    page.wait_for_timeout(quiet_ms)
