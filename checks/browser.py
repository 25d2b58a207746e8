"""The HTML site on a local web server, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from checks import SITE_PATH

CHROMIUM = "/usr/bin/chromium"
# Flags that work in these containers; Playwright adds --headless and a fresh profile.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log on the console."""

    def translate_path(self, path: str) -> str:
        """Files under SITE_PATH, as the site is published; nothing outside it."""
        if not path.startswith(SITE_PATH):
            return ""  # no such file: 404
        return super().translate_path("/" + path.removeprefix(SITE_PATH))


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` at SITE_PATH on 127.0.0.1 (a free port) from a thread; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SITE_PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium from Debian (Playwright downloads no browser)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
