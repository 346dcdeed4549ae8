"""Every form that sets a password names its account to the browser: a hidden, unsent field with
``autocomplete="username"`` holding the account's email, so a password manager saves the new
password under the right account (and Chromium no longer warns about the form)."""

from html.parser import HTMLParser

from sessiondesk.notifications.models import OutboundEmail
from tests.accounts.test_invitations import _accept_path, _invite
from tests.accounts.test_password_reset import _reset_link
from tests.conftest import login


class _Forms(HTMLParser):
    """The inputs of each form of a page that has a password input: (name, type, autocomplete,
    value, hidden) for each."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str | None, ...]]] = []
        self._inputs: list[tuple[str | None, ...]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self._inputs = []
        elif tag == "input" and self._inputs is not None:
            hidden = "hidden" if "hidden" in values else None
            self._inputs.append(
                (
                    values.get("name"),
                    values.get("type"),
                    values.get("autocomplete"),
                    values.get("value"),
                    hidden,
                )
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._inputs is not None:
            if any(kind == "password" for _, kind, *_ in self._inputs):
                self.forms.append(self._inputs)
            self._inputs = None


def _password_forms(html: str) -> list[list[tuple[str | None, ...]]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _account_field(form: list[tuple[str | None, ...]]) -> list[tuple[str | None, ...]]:
    return [field for field in form if field[2] == "username"]


def test_the_settings_password_form_names_the_member_s_account(client, consultant):
    login(client, consultant)

    [form] = _password_forms(client.get("/settings/").content.decode())

    assert _account_field(form) == [(None, "email", "username", "carla@acme.test", "hidden")]
    assert [(name, autocomplete) for name, kind, autocomplete, *_ in form if kind == "password"] == [
        ("old_password", "current-password"),
        ("new_password1", "new-password"),
        ("new_password2", "new-password"),
    ]


def test_the_password_reset_form_names_the_account_of_the_link(client, consultant):
    client.post("/password-reset/", {"email": "carla@acme.test"})
    form_url = client.get(_reset_link(OutboundEmail.objects.get()))["Location"]

    [form] = _password_forms(client.get(form_url).content.decode())

    assert _account_field(form) == [(None, "email", "username", "carla@acme.test", "hidden")]


def test_the_invitation_sign_up_form_names_the_invited_address(client, admin):
    login(client, admin)
    _invite(client)
    path = _accept_path(OutboundEmail.objects.get())
    client.logout()

    [form] = _password_forms(client.get(path).content.decode())

    assert _account_field(form) == [(None, "email", "username", "nina@example.test", "hidden")]


def test_the_login_form_s_email_field_names_the_account(client, db):
    """The email typed to log in is the account's name, and the only one: no hidden copy."""
    [form] = _password_forms(client.get("/login/").content.decode())

    assert _account_field(form) == [("username", "email", "username", None, None)]
    assert [(name, autocomplete) for name, kind, autocomplete, *_ in form if kind == "password"] == [
        ("password", "current-password")
    ]
