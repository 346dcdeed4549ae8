"""A tiny HTML layout for the pages a person sees "inside Zoom"."""

from html import escape

from werkzeug.wrappers import Response

STYLE = """
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
header{border-bottom:3px solid #0b5cff;margin-bottom:1rem}header b{color:#0b5cff}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
button{background:#0b5cff;color:#fff;border:0;border-radius:6px;padding:.5rem 1rem;cursor:pointer}
button.secondary{background:#eee;color:#222}.error{color:#b00020}code{background:#f4f4f4;padding:0 .2rem}
"""


def page(title: str, body: str, status: int = 200) -> Response:
    html = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)} - Zoom emulator</title><style>{STYLE}</style></head>"
        f"<body><header><b>zoom</b> emulator</header><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def hidden(fields: dict[str, str]) -> str:
    return "".join(f'<input type=hidden name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items())


def error_page(title: str, message: str, status: int = 400) -> Response:
    return page(title, f"<p class=error>{escape(message)}</p>", status)
