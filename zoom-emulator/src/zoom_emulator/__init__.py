"""A faithful local Zoom: OAuth, REST v2, webhooks and Marketplace, for development and tests.

In-process (tests)::

    from zoom_emulator.app import create_app
    app = create_app()                       # app.state is the thread-safe state
    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://zoom.test")
    app.state.webhook_transport = httpx.WSGITransport(app=my_wsgi_app)   # webhooks without sockets

Served (in a thread, as `up` does)::

    from zoom_emulator.server import make_server
    server = make_server(app, "127.0.0.1", 9000).start()   # or .run() to block
    server.close()

Command line: ``python -m zoom_emulator --port 9000 [--host H] [--state-file PATH] [--seed FILE.json]``.
Seeding: ``zoom_emulator.seed.load(state, data)`` (format in seed.py). Control plane: /_emulator/.
See docs/zoom-emulator.md.
"""
