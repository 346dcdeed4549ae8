import re

ENDPOINTS = {
    ("get", "/api/v1/sessions/"),
    ("post", "/api/v1/sessions/"),
    ("get", "/api/v1/sessions/{session_id}"),
    ("patch", "/api/v1/sessions/{session_id}"),
    ("post", "/api/v1/sessions/{session_id}/reschedule"),
    ("post", "/api/v1/sessions/{session_id}/cancel"),
    ("get", "/api/v1/sessions/{session_id}/attendance"),
    ("get", "/api/v1/calendars/"),
    ("post", "/api/v1/calendars/"),
    ("get", "/api/v1/calendars/{calendar_id}"),
    ("patch", "/api/v1/calendars/{calendar_id}"),
    ("get", "/api/v1/calendars/{calendar_id}/slots"),
    ("get", "/api/v1/clients/"),
    ("post", "/api/v1/clients/"),
    ("get", "/api/v1/clients/{client_id}"),
    ("patch", "/api/v1/clients/{client_id}"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/members"),
    ("get", "/api/v1/session-types"),
    ("get", "/api/v1/export"),
}
# Zoom account administration (integrations/zoom/directory)
ENDPOINTS |= {
    ("get", "/api/v1/zoom/users/"),
    ("post", "/api/v1/zoom/users/"),
    ("post", "/api/v1/zoom/users/adopt"),
    ("post", "/api/v1/zoom/users/sync"),
    ("get", "/api/v1/zoom/users/{pk}"),
    ("post", "/api/v1/zoom/users/{pk}/offboard"),
    ("post", "/api/v1/zoom/users/{pk}/role"),
    ("post", "/api/v1/zoom/users/{pk}/groups/add"),
    ("post", "/api/v1/zoom/users/{pk}/groups/remove"),
    ("post", "/api/v1/zoom/users/{pk}/link"),
}


def test_the_openapi_document_lists_every_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert (document["info"]["title"], document["info"]["version"]) == ("SessionDesk", "v1")
    listed = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert listed == ENDPOINTS
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_the_docs_page_loads_nothing_from_another_host(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert re.findall(r"(?:src|href)=\"(?:https?:)?//", html) == []
    assets = re.findall(r"(?:src|href)=\"([^\"]+)\"", html)
    assert assets == [
        "/api/v1/docs/assets/swagger-ui.css",
        "/api/v1/docs/assets/favicon.svg",
        "/api/v1/docs/assets/swagger-ui-bundle.js",
        "/api/v1/docs/assets/swagger-ui-init.js",
    ]
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200
        assert b"".join(served.streaming_content)


def test_it_serves_only_the_docs_assets(client, db):
    assert client.get("/api/v1/docs/assets/..%2F..%2F__init__.py").status_code == 404
    assert client.get("/api/v1/docs/assets/redoc.standalone.js").status_code == 404
