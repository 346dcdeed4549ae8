from ..routing import Route
from . import responses

routes = [
    Route("/oauth/authorize", ("GET",), responses.authorize_page, kind="oauth"),
    Route("/oauth/authorize", ("POST",), responses.authorize_submit, kind="oauth"),
    Route("/oauth/token", ("POST",), responses.token, kind="oauth"),
    Route("/oauth/revoke", ("POST",), responses.revoke, kind="oauth"),
    Route("/oauth/data/compliance", ("POST",), responses.compliance, kind="oauth"),
]
