"""Related-object caches filled by hand for rows a transaction has just written."""

from typing import Any

from django.db.models import Model


def remember(instance: Model, relation: str, objects: list[Any]) -> None:
    """Fill the cache of ``instance.<relation>`` (a many-to-many or reverse relation) with
    ``objects``, as ``prefetch_related`` would, so reading the relation back costs no query. The
    caller gives them in the order the relation's model would list them."""
    cached = getattr(instance, relation).get_queryset()
    cached._result_cache = objects
    cached._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = cached
