"""Rows read and written with SQL built once, as the ORM would have read and written them.

For the statements every booking makes (see ``scheduling.reads``): building and compiling a query
through the ORM costs ten times what running it does.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, reduce
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignKey, Model, QuerySet
from django.db.models.signals import post_save, pre_save


def this_connection() -> BaseDatabaseWrapper:
    """This thread's connection itself, for a function that reads it more than once. Each read
    through Django's ``connection`` proxy finds the connection again in asgiref's thread-local
    storage, and the fields' ``get_db_prep_save`` read ``connection.ops`` for every value: a
    booking's rows read it hundreds of times (docs/performance.md, seventeenth round). Not for
    what is cached across threads (``_reader``): that keeps the proxy."""
    return connections[DEFAULT_DB_ALIAS]


def columns(model: type[Model]) -> str:
    """Every concrete column of ``model``, qualified and quoted, in the order ``instances`` reads them."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    return ", ".join(f"{table}.{quote(str(field.column))}" for field in model._meta.concrete_fields)


def instances[M: Model](model: type[M], rows: Iterable[Sequence[Any]]) -> list[M]:
    """``rows`` (each holding ``columns(model)``) as instances of ``model``: each value through the
    database's converters (SQLite returns times and dates as text), then ``Model.from_db``."""
    db = this_connection()
    names, convert = _reader(db.vendor, model)
    return [model.from_db(db.alias, names, convert(row)) for row in rows]  # type: ignore[misc]


def select_related(model: type[Model], *paths: str) -> str:
    """``SELECT`` of the columns of ``model`` and of the rows its foreign keys ``paths`` lead to
    (``"member"``, ``"member__org"``: as ``select_related`` names them), ``FROM`` the model's table
    joined to theirs. The caller adds the ``WHERE``; ``related_instances`` reads the rows. Only
    foreign keys that cannot be null (a row without its related row would be left out), each to a
    table of its own."""
    quote = connection.ops.quote_name
    steps = _steps(model, paths)
    tables = [model, *(target for _, _, target in steps)]
    joins = "".join(
        f" INNER JOIN {quote(target._meta.db_table)} ON {quote(target._meta.db_table)}."
        f"{quote(str(target._meta.pk.column))} = {quote(tables[holder]._meta.db_table)}.{quote(str(key.column))}"
        for holder, key, target in steps
    )
    return f"SELECT {', '.join(columns(m) for m in tables)} FROM {quote(model._meta.db_table)}{joins}"


def related_instances[M: Model](
    model: type[M], paths: Sequence[str], rows: Iterable[Sequence[Any]]
) -> list[M]:
    """``rows`` of ``select_related(model, *paths)`` as instances of ``model``, their related rows
    attached as ``select_related`` attaches them (``token.member.org`` then reads nothing)."""
    steps = _steps(model, tuple(paths))
    kinds: list[type[Model]] = [model, *(target for _, _, target in steps)]
    db = this_connection()
    readers = [(kind, *_reader(db.vendor, kind)) for kind in kinds]
    found = []
    for row in rows:
        objects: list[Model] = []
        at = 0
        for kind, names, convert in readers:
            objects.append(kind.from_db(db.alias, names, convert(row[at : at + len(names)])))
            at += len(names)
        for index, (holder, key, _) in enumerate(steps, start=1):
            key.set_cached_value(objects[holder], objects[index])
        found.append(objects[0])
    return found  # type: ignore[return-value]


@cache
def _steps(model: type[Model], paths: tuple[str, ...]) -> list[tuple[int, ForeignKey, type[Model]]]:
    """Each foreign key that ``paths`` go through, once: (index of the model holding it, 0 for
    ``model`` and n for the n-th step's target; the key; the model it leads to)."""
    steps: list[tuple[int, ForeignKey, type[Model]]] = []
    for path in paths:
        holder, owner = 0, model
        for name in path.split("__"):
            key = owner._meta.get_field(name)
            if not isinstance(key, ForeignKey) or key.null:
                raise ValueError(f"{owner.__name__}.{name} is not a foreign key that cannot be null.")
            index = next((i for i, (h, k, _) in enumerate(steps, start=1) if h == holder and k is key), None)
            target: type[Model] = key.related_model  # type: ignore[assignment]
            if index is None:
                steps.append((holder, key, target))
                index = len(steps)
            holder, owner = index, target
    tables = [m._meta.db_table for m in [model, *(target for _, _, target in steps)]]
    if len(set(tables)) != len(tables):
        raise ValueError(f"{paths} join a table twice.")
    return steps


def insert(objects: Sequence[Model], *, unless: Sequence[str] = ()) -> int:
    """Insert ``objects`` (new instances of one model) in one statement, as ``bulk_create`` (and
    ``create``, for one) writes them: each value through its field's ``pre_save`` (``auto_now``) and
    ``get_db_prep_save``; the new ids read back and set; the instances marked as saved. Returns how
    many were inserted.

    ``unless``: columns of a unique constraint; an object whose values there are already taken is
    left out (``ON CONFLICT (...) DO NOTHING``) and keeps no id. It refuses a model whose saving does
    more: its own ``save()``, receivers of ``pre_save`` or ``post_save`` (it sends neither).
    """
    if not objects:
        return 0
    if unless and len(objects) > 1:
        raise ValueError("Insert one object at a time with unless=: the ids read back would not say whose.")
    model = _insertable(objects)
    fields = _insert_fields(model)
    inserted = 0
    db = this_connection()
    size = db.ops.bulk_batch_size(fields, objects) or len(objects)
    for first in range(0, len(objects), size):
        batch = objects[first : first + size]
        params = []
        for obj in batch:
            obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
            params += [field.get_db_prep_save(field.pre_save(obj, add=True), db) for field in fields]
        inserted += _run_insert(db, _insert_sql(db.vendor, model, len(batch), tuple(unless)), params, batch)
    return inserted


@dataclass
class Prepared:
    """Rows made ready before the transaction that writes them (``prepare``); ``write`` inserts them."""

    objects: list[Model]
    sql: str
    params: list[Any]
    # (index in params, the object, its field, how to make the value; None: a foreign key's id)
    later: list[tuple[int, Model, Field, Callable[[Model], Any] | None]]


def prepare(
    objects: Sequence[Model], *, later: Mapping[str, Callable[[Model], Any]] | None = None
) -> Prepared:
    """``insert``'s work on ``objects`` done now, so that the transaction that writes them (``write``)
    only runs the statement: a lock it holds is held that much less (docs/performance.md,
    nineteenth round). Each value goes through ``pre_save`` (an ``auto_now`` time is this moment's)
    and ``get_db_prep_save`` now, except the id of a related object not saved yet (a new session's,
    for its attendees, emails and audit entry) and the fields named in ``later`` (a value made from
    such an id, by the function given), which ``write`` fills in. One statement: as many objects as
    the database takes in one."""
    if not objects:
        raise ValueError("Nothing to prepare.")
    model = _insertable(objects)
    fields = _insert_fields(model)
    db = this_connection()
    if len(objects) > (db.ops.bulk_batch_size(fields, objects) or len(objects)):
        raise ValueError(f"Too many {model.__name__} rows for one statement: insert them.")
    later = later or {}
    params: list[Any] = []
    slots: list[tuple[int, Model, Field, Callable[[Model], Any] | None]] = []
    for obj in objects:
        for field in fields:
            if field.name in later:
                slots.append((len(params), obj, field, later[field.name]))
                params.append(None)
                continue
            if field.many_to_one:
                related = field.get_cached_value(obj, None)  # type: ignore[attr-defined]
                if related is not None and related.pk is None:
                    slots.append((len(params), obj, field, None))
                    params.append(None)
                    continue
                if related is not None and getattr(obj, field.attname) is None:
                    setattr(obj, field.attname, related.pk)  # as _prepare_related_fields_for_save does
            params.append(field.get_db_prep_save(field.pre_save(obj, add=True), db))
    return Prepared(list(objects), _insert_sql(db.vendor, model, len(objects), ()), params, slots)


def write(prepared: Prepared) -> int:
    """Insert rows ``prepare`` made ready, once the related objects they wait for are saved; sets
    their ids and marks them saved, as ``insert``. Returns how many were inserted."""
    db = this_connection()
    params = list(prepared.params)
    for index, obj, field, make in prepared.later:
        if make is None:
            related = field.get_cached_value(obj)  # type: ignore[attr-defined]
            if related.pk is None:
                raise ValueError(f"{type(obj).__name__}.{field.name} is still not saved.")
            value = related.pk
        else:
            value = make(obj)
        setattr(obj, field.attname, value)
        params[index] = field.get_db_prep_save(value, db)
    return _run_insert(db, prepared.sql, params, prepared.objects)


def _insertable(objects: Sequence[Model]) -> type[Model]:
    model = type(objects[0])
    if model.save is not Model.save or pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise ValueError(f"{model.__name__} does more when saved: save it through the ORM.")
    return model


def _run_insert(db: BaseDatabaseWrapper, sql: str, params: list[Any], batch: Sequence[Model]) -> int:
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        ids = cursor.fetchall()
    for obj, (pk,) in zip(batch, ids, strict=False):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = db.alias
    return len(ids)


@cache
def _insert_fields(model: type[Model]) -> list[Field]:
    if model._meta.parents:
        raise ValueError(f"{model.__name__} inherits from another model: save it through the ORM.")
    return [
        f for f in model._meta.local_concrete_fields if f is not model._meta.auto_field and not f.generated
    ]


@cache
def _insert_sql(vendor: str, model: type[Model], count: int, unless: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    table, fields = quote(model._meta.db_table), _insert_fields(model)
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = f"INSERT INTO {table} ({', '.join(quote(str(f.column)) for f in fields)}) VALUES {', '.join([row] * count)}"
    if unless:
        sql += f" ON CONFLICT ({', '.join(quote(c) for c in unless)}) DO NOTHING"
    return f"{sql} RETURNING {table}.{quote(str(model._meta.pk.column))}"


def update(model: type[Model], where: Mapping[str, Any], **values: Any) -> int:
    """``model.objects.filter(**where).update(**values)`` in one statement built once per model,
    names and database vendor: each value through its field's ``get_db_prep_save``, as ``update``
    writes it; ``where`` as for ``matching``. Returns how many rows it changed. Like ``update``, it
    calls no ``save()``, sends no signal and leaves ``auto_now`` fields as they are."""
    db = this_connection()
    sql, sets = _update_shape(db.vendor, model, tuple(values), tuple(where))
    params = [field.get_db_prep_save(value, db) for field, value in zip(sets, values.values(), strict=True)]
    params += _where_params(model, where)
    with transaction.mark_for_rollback_on_error(), db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@cache
def _update_shape(
    vendor: str, model: type[Model], names: tuple[str, ...], keys: tuple[str, ...]
) -> tuple[str, list[Field]]:
    """The statement and the fields it sets (by name or attname)."""
    quote = connection.ops.quote_name
    sets = _fields(model, names)
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in sets)
    return (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {_where_sql(vendor, model, keys)}",
        sets,
    )


def matching[M: Model](model: type[M], where: Mapping[str, Any]) -> list[M]:
    """``model.objects.filter(**where)`` as instances, in one statement built once per model, names
    and database vendor. ``where``: equalities of fields, by name or attname, each with a value
    (``{"org_id": 3, "email": "a@example.test"}``), the values prepared as the ORM prepares them.
    For lookups made on every call of a hot path (a booking's session type, a meeting's policy)."""
    db = this_connection()
    with db.cursor() as cursor:
        cursor.execute(_matching_sql(db.vendor, model, tuple(where)), _where_params(model, where))
        return instances(model, cursor.fetchall())


def unique_row[M: Model](model: type[M], column: str, value: Any) -> M | None:
    """The instance of ``model`` whose ``column`` (a unique key) holds ``value``, or None."""
    return next(iter(matching(model, {column: value})), None)


@cache
def _matching_sql(vendor: str, model: type[Model], keys: tuple[str, ...]) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    return f"SELECT {columns(model)} FROM {table} WHERE {_where_sql(vendor, model, keys)}"


@cache
def _where_sql(vendor: str, model: type[Model], keys: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    return " AND ".join(f"{table}.{quote(str(f.column))} = %s" for f in _fields(model, keys))


def _where_params(model: type[Model], where: Mapping[str, Any]) -> list[Any]:
    if any(value is None for value in where.values()):
        raise ValueError("where= holds equalities with a value: None would need IS NULL.")
    fields, db = _fields(model, tuple(where)), this_connection()
    return [field.get_db_prep_value(value, db) for field, value in zip(fields, where.values(), strict=True)]


@cache
def _fields(model: type[Model], names: tuple[str, ...]) -> list[Field]:
    """The concrete fields ``names`` (names or attnames) of ``model``."""
    fields: list[Field] = [model._meta.get_field(name) for name in names]  # type: ignore[misc]
    if not fields or any(not f.concrete or f.many_to_many for f in fields):
        raise ValueError(f"{names} must each name columns of {model.__name__}.")
    return fields


def value_reader(model: type[Model], name: str) -> Callable[[Any], Any]:
    """Turns one column of ``model`` as the database returns it into what the ORM would return."""
    return _value_reader(connection.vendor, model, name)


@cache
def _value_reader(vendor: str, model: type[Model], name: str) -> Callable[[Any], Any]:
    column = model._meta.get_field(name).get_col(model._meta.db_table)  # type: ignore[union-attr]
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    return lambda value: reduce(lambda v, convert: convert(v, column, connection), converters, value)


@cache
def _reader(vendor: str, model: type[Model]) -> tuple[list[str], Callable[[Sequence[Any]], list[Any]]]:
    fields = model._meta.concrete_fields
    steps = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        steps.append(
            (column, connection.ops.get_db_converters(column) + column.get_db_converters(connection))
        )

    def convert(row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for index, (column, converters) in enumerate(steps):
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        return values

    return [field.attname for field in fields], convert


def delete_in_batches(rows: QuerySet, limit: int, batch: int) -> int:
    """Delete ``rows``, ``batch`` at a time and at most ``limit`` batches: a housekeeping job's pass,
    where no one statement holds many rows' locks or the write lock for long. Returns how many
    were deleted. Each ``DELETE`` names the ids read and ``rows``' condition again, so a row that
    stopped matching in between (a rate-limit counter whose window a request has just started
    again) is kept."""
    deleted = 0
    for _ in range(limit):
        ids = list(rows.values_list("pk", flat=True)[:batch])
        if not ids:
            break
        deleted += rows.filter(pk__in=ids).delete()[0]
    return deleted
