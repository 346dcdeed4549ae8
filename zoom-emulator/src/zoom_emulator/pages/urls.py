from ..routing import Route
from . import responses as r

routes = [
    Route("/", ("GET",), r.index, kind="page"),
    Route("/web/users/<user_id>", ("GET",), r.user_home, kind="page"),
    Route("/web/users/<user_id>/accept", ("POST",), r.accept_invitation, kind="page"),
    Route("/web/users/<user_id>/apps/<client_id>/remove", ("POST",), r.remove_app, kind="page"),
    Route("/web/meetings/<meeting_id>/edit", ("GET",), r.edit_form, kind="page"),
    Route("/web/meetings/<meeting_id>/edit", ("POST",), r.edit_submit, kind="page"),
    Route("/web/meetings/<meeting_id>/delete", ("POST",), r.delete_submit, kind="page"),
]
