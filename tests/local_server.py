"""A local HTTP server for the download tests (no test reaches the internet): it serves the
given files, answers 404 for anything else, and never answers /stall or /stall/..., until the
test is over. ``.log`` lists the paths asked for. ``refuse_other_hosts`` keeps a test on this
machine."""

from __future__ import annotations

import http.server
import socket
import threading
from contextlib import contextmanager


def refuse_other_hosts(monkeypatch) -> None:
    """Every connection except to 127.0.0.1 fails the test (for the rest of it)."""
    real_connect = socket.socket.connect

    def connect(self, address):
        if isinstance(address, tuple) and address[0] != "127.0.0.1":
            raise AssertionError(f"a test tried to connect to {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


class LocalServer:
    def __init__(self, base: str, log: list[str]):
        self.base, self.log = base, log

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def serve(files: dict[str, bytes]):
    """Serve ``files`` {path: body} on 127.0.0.1 (a free port) while the block runs."""
    release = threading.Event()
    log: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            log.append(self.path)
            if self.path == "/stall" or self.path.startswith("/stall/"):
                release.wait(30)  # say nothing until the test is over
                return
            body = files.get(self.path)
            if body is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep the test output clean
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield LocalServer(f"http://127.0.0.1:{httpd.server_address[1]}", log)
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
