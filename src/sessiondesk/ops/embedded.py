"""The parts of the embedded instance, each in a thread of the ``up`` process."""

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from waitress.server import create_server


@dataclass
class Services:
    servers: list[Any] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


def configure_site_url(host: str, port: int) -> str:
    """Links in emails point at this instance unless SITE_URL says otherwise."""
    if not os.environ.get("SITE_URL"):
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
        settings.SITE_URL = f"http://{shown}:{port}"
    return settings.SITE_URL


def _serve(server: Any, name: str, services: Services) -> None:
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    services.servers.append(server)
    services.threads.append(thread)


def start_services(host: str, port: int, emulator_port: int, stop: threading.Event, out: Any) -> Services:
    from sessiondesk.wsgi import application

    services = Services(stop=stop)
    web = create_server(application, host=host, port=port, threads=8, ident="SessionDesk")
    _serve(web, "web", services)
    if emulator_port:
        emulator = _start_emulator(host, emulator_port, out)
        services.servers.append(emulator)
        out.write(f"Zoom emulator: {emulator.url}/ (state kept in {settings.HOME / 'zoom-emulator.json'})")
    from sessiondesk.worker.loop import run_in_thread

    services.threads.append(run_in_thread(stop))
    out.write(f"Worker: running in this process (poll every {settings.WORKER_POLL_SECONDS}s)")
    return services


def _start_emulator(host: str, port: int, out: Any) -> Any:
    from zoom_emulator.app import create_app
    from zoom_emulator.server import make_server

    app = create_app(persist_path=str(settings.HOME / "zoom-emulator.json"))
    server = make_server(app, host, port)
    app.state.settings.base_url = server.url
    configure_zoom(server.url)
    if settings.ZOOM_USES_EMULATOR and not app.state.accounts and not app.state.apps:
        _seed_emulator(app, out)
    return server.start()


def configure_zoom(emulator_url: str) -> None:
    """Without Zoom credentials SessionDesk talks to the emulator this process serves."""
    if not os.environ.get("ZOOM_REDIRECT_URL"):
        settings.ZOOM_REDIRECT_URL = settings.SITE_URL + "/integrations/zoom/callback/"
    if not settings.ZOOM_USES_EMULATOR:
        return
    settings.ZOOM_EMULATOR_URL = emulator_url
    if not os.environ.get("ZOOM_OAUTH_URL"):
        settings.ZOOM_OAUTH_URL = emulator_url
    if not os.environ.get("ZOOM_API_URL"):
        settings.ZOOM_API_URL = emulator_url + "/v2"


def _seed_emulator(app: Any, out: Any) -> None:
    """A fresh emulator gets the demo's Zoom users and SessionDesk's apps (never over existing state)."""
    from sessiondesk.integrations.zoom.devseed import seed_data
    from zoom_emulator import seed

    seed.load(app.state, seed_data(settings.SITE_URL))
    app.state.save()
    out.write("Zoom emulator: seeded the demo's Zoom account and SessionDesk's Zoom apps")


def stop_services(services: Services) -> None:
    services.stop.set()
    for server in services.servers:
        server.close()
    for thread in services.threads:
        thread.join(timeout=10)
