"""A search-as-you-type picker for a choice field over a large table (clients, members).

The widget never lists the table: it renders the chosen rows and, when the form was sent with
text in the picker's search box (``<name>_q``), the first matches for it, as checkboxes (many) or
radio buttons (one). That is the whole picker without script: type, press "Find", tick. With script
(``static/sessiondesk/picker.js``) the same box asks ``search_url`` as you type and adds the row
you pick to the chosen ones. The field itself still validates every id against its queryset, so
an id from elsewhere is refused exactly as before.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from sessiondesk.lib.digits import MAX_ID, is_digits, is_id

SEARCH_BUTTON = "picker"  # the name of every picker's "Find" button; a form sent by it is not saved


@dataclass(frozen=True)
class Option:
    id: int
    name: str
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "detail": self.detail}


class ManyRows(forms.ModelMultipleChoiceField):
    """A choice of many rows by id, refusing an id no row can have (beyond ``MAX_ID``) as it refuses
    one that is not a number, before it reaches the database (where SQLite would fail on it)."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            raw = str(pk)
            if is_digits(raw) and int(raw) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


class Picker(forms.Widget):
    def __init__(
        self,
        *,
        multiple: bool,
        noun: str,
        empty_label: str = "",
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.multiple = multiple
        self.noun = noun
        self.empty_label = empty_label
        self.search_url = ""
        self.new_url = ""
        self.search_text = ""
        self.chosen: Callable[[list[int]], list[Option]] = lambda ids: []
        self.find: Callable[[str], tuple[list[Option], bool]] = lambda text: ([], False)

    def connect(
        self,
        *,
        search_url: str,
        chosen: Callable[[list[int]], list[Option]],
        find: Callable[[str], tuple[list[Option], bool]],
        data: Any,
        name: str,
        new_url: str = "",
    ) -> None:
        self.search_url, self.new_url = search_url, new_url
        self.chosen, self.find = chosen, find
        self.search_text = str((data or {}).get(f"{name}_q", "")).strip()[:100]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False if self.multiple else name not in data

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values if str(getattr(v, "pk", v))]

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        ids = [int(v) for v in self.format_value(value) if is_id(v)]
        chosen = self.chosen(ids) if ids else []
        chosen_ids = {option.id for option in chosen}
        found, more = self.find(self.search_text) if self.search_text else ([], False)
        context = {
            "name": name,
            "id": (attrs or {}).get("id") or f"id_{name}",
            "multiple": self.multiple,
            "noun": self.noun,
            "empty_label": self.empty_label,
            "chosen": chosen,
            "found": [option for option in found if option.id not in chosen_ids],
            "more": more,
            "searched": bool(self.search_text),
            "search_text": self.search_text,
            "search_url": self.search_url,
            "new_url": self.new_url,
            "button": SEARCH_BUTTON,
        }
        return SafeString(render_to_string("sessiondesk/widgets/picker.html", context))


def initial_from(data: Any, multiple: Iterable[str] = ()) -> dict[str, Any]:
    """A sent form as initial values, to show it again after a picker's "Find" without saving it."""
    keep = set(multiple)
    return {key: values if key in keep else values[-1] for key, values in data.lists()}
