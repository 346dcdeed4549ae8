from ..routing import Route
from . import responses as r


def control(rule: str, methods: tuple[str, ...], handler: object) -> Route:
    return Route("/_emulator" + rule, methods, handler, kind="control")  # type: ignore[arg-type]


routes = [
    control("/reset", ("POST",), r.reset),
    control("/seed", ("POST",), r.seed),
    control("/state", ("GET",), r.dump),
    control("/requests", ("GET",), r.requests_list),
    control("/requests", ("DELETE",), r.requests_clear),
    control("/faults", ("GET",), r.faults_list),
    control("/faults", ("POST",), r.faults_add),
    control("/faults", ("DELETE",), r.faults_clear),
    control("/faults/<int:fault_id>", ("DELETE",), r.fault_delete),
    control("/tokens/revoke", ("POST",), r.token_revoke),
    control("/tokens/expire", ("POST",), r.tokens_expire),
    control("/clock", ("GET",), r.clock_get),
    control("/clock", ("POST",), r.clock_set),
    control("/ratelimits", ("GET",), r.ratelimits_get),
    control("/ratelimits", ("PUT",), r.ratelimits_set),
    control("/settings", ("GET",), r.settings_get),
    control("/settings", ("PATCH",), r.settings_set),
    control("/webhooks/deliveries", ("GET",), r.deliveries),
    control("/webhooks/deliveries", ("DELETE",), r.deliveries_clear),
    control("/webhooks/flush", ("POST",), r.flush),
    control("/apps/<client_id>/validate", ("POST",), r.validate_app),
    control("/oauth/authorize", ("POST",), r.authorize),
    control("/users/<user_id>/accept", ("POST",), r.accept_invitation),
]
