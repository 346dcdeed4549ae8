"""A WSGI application for testing the web processes' gunicorn worker on its own: it answers with the
serving process's id and the path, after sleeping ``?ms=`` milliseconds (a slow request)."""

import os
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    pause = parse_qs(environ.get("QUERY_STRING", "")).get("ms", ["0"])[0]
    time.sleep(int(pause) / 1000)
    body = f"{os.getpid()} {environ['PATH_INFO']}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
