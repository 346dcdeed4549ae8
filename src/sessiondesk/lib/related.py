"""Related-object caches filled by hand for rows a transaction has just written."""

from collections.abc import Sequence
from typing import Any

from django.db.models import ManyToManyField, Model
from django.db.models.signals import m2m_changed

from sessiondesk.lib.rows import Prepared, insert, prepare


def remember(instance: Model, relation: str, objects: list[Any]) -> None:
    """Fill the cache of ``instance.<relation>`` (a many-to-many or reverse relation) with
    ``objects``, as ``prefetch_related`` would, so reading the relation back costs no query. The
    caller gives them in the order the relation's model would list them."""
    cached = getattr(instance, relation).get_queryset()
    cached._result_cache = objects
    cached._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = cached


def add_to_new(instance: Model, relation: str, objects: Sequence[Model]) -> None:
    """``instance.<relation>.add(*objects)`` for an instance this transaction has just inserted, so
    none of them is on it yet: one insert built once (see ``lib.rows``). Like ``add()``, it sends no
    ``m2m_changed`` while nothing listens, and refuses when something does."""
    through, source, target = _through(instance, relation)
    insert(
        [
            through(**{f"{source}_id": instance.pk, f"{target}_id": pk})
            for pk in dict.fromkeys(obj.pk for obj in objects)
        ]
    )


def prepare_add_to_new(instance: Model, relation: str, objects: Sequence[Model]) -> Prepared | None:
    """``add_to_new``'s rows made before the transaction that inserts ``instance`` (and any of
    ``objects`` not saved yet): written with ``lib.rows.write`` once they have their ids. None when
    there is nothing to add."""
    through, source, target = _through(instance, relation)
    unique = {(obj.pk,) if obj.pk is not None else ("new", id(obj)): obj for obj in objects}
    if not unique:
        return None
    return prepare([through(**{source: instance, target: obj}) for obj in unique.values()])


def _through(instance: Model, relation: str) -> tuple[type[Model], str, str]:
    """The model of ``relation``'s rows and its two keys' names (``instance``'s, then the other's);
    refused when something listens for ``m2m_changed``, which these additions do not send (as
    ``add()`` sends none while nothing listens)."""
    field = instance._meta.get_field(relation)
    assert isinstance(field, ManyToManyField)
    through: type[Model] = field.remote_field.through  # type: ignore[assignment]
    if m2m_changed.has_listeners(through):
        raise ValueError(f"{through.__name__} has m2m_changed receivers: add through the ORM.")
    return through, field.m2m_field_name(), field.m2m_reverse_field_name()
