"""Serving the emulator over HTTP with waitress, in the foreground or from a background thread."""

import contextlib
import threading
from typing import Any

from waitress.server import create_server

from .app import EmulatorApp


class Server:
    """A waitress server that `run()` serves until `close()` (callable from another thread)."""

    def __init__(
        self, app: EmulatorApp, host: str = "127.0.0.1", port: int = 9000, threads: int = 16
    ) -> None:
        self.app = app
        self.inner: Any = create_server(
            app, host=host, port=port, threads=threads, ident="waitress", clear_untrusted_proxy_headers=True
        )
        self.host = host
        # Port 0 picks a free port; the bound one is known once the socket exists.
        self.port: int = self.inner.effective_port
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def run(self) -> None:
        # close() from another thread makes the socket loop fail on its way out.
        with contextlib.suppress(OSError):
            self.inner.run()

    def start(self) -> "Server":
        self.thread = threading.Thread(target=self.run, name="zoom-emulator-http", daemon=True)
        self.thread.start()
        return self

    def close(self) -> None:
        self.inner.close()
        self.inner.task_dispatcher.shutdown()
        if self.thread is not None:
            self.thread.join(timeout=5)
        self.app.close()


def make_server(app: EmulatorApp, host: str = "127.0.0.1", port: int = 9000, threads: int = 16) -> Server:
    return Server(app, host, port, threads)


def serve(host: str, port: int, app: EmulatorApp) -> Server:
    """Start serving in a background thread and return the server; call `.close()` to stop."""
    return make_server(app, host, port).start()
