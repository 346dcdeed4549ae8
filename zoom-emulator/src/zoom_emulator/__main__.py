"""zoom-emulator --port 9000 [--host 127.0.0.1] [--state-file PATH] [--seed FILE.json]

The same as ``python -m zoom_emulator``."""

import argparse
import json
import signal
import sys
import threading
from types import FrameType

from .app import create_app
from .seed import load
from .server import make_server


def main(argv: list[str] | None = None, prog: str = "python -m zoom_emulator") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="A local Zoom for development and tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--state-file", help="keep the emulated Zoom data in this JSON file across restarts")
    parser.add_argument("--seed", help="a seed JSON file (accounts, users, apps) loaded at start")
    args = parser.parse_args(argv)

    app = create_app(persist_path=args.state_file)
    if args.seed and not app.state.accounts:
        with open(args.seed) as handle:
            load(app.state, json.load(handle))
    server = make_server(app, args.host, args.port)
    app.state.settings.base_url = server.url

    def stop(signum: int, frame: FrameType | None) -> None:
        # Close from another thread: waitress's loop is what the signal interrupted.
        threading.Thread(target=server.close, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(
        f"Zoom emulator listening on {server.url} (OAuth at {server.url}/oauth, API at {server.url}/v2)",
        flush=True,
    )
    server.run()
    app.close()
    print("Zoom emulator stopped.", flush=True)
    return 0


def command() -> int:
    """The ``zoom-emulator`` console script."""
    return main(prog="zoom-emulator")


if __name__ == "__main__":
    sys.exit(main())
