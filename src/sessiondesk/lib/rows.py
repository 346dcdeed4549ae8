"""Model instances from rows read with plain SQL, as the ORM would have returned them.

For the few reads on the booking path whose SQL is built once (see ``scheduling.reads``): building
and compiling a query through the ORM costs ten times what running it does.
"""

from collections.abc import Callable, Iterable, Sequence
from functools import cache, reduce
from typing import Any

from django.db import connection
from django.db.models import Model


def columns(model: type[Model]) -> str:
    """Every concrete column of ``model``, qualified and quoted, in the order ``instances`` reads them."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    return ", ".join(f"{table}.{quote(str(field.column))}" for field in model._meta.concrete_fields)


def instances[M: Model](model: type[M], rows: Iterable[Sequence[Any]]) -> list[M]:
    """``rows`` (each holding ``columns(model)``) as instances of ``model``: each value through the
    database's converters (SQLite returns times and dates as text), then ``Model.from_db``."""
    names, convert = _reader(connection.vendor, model)
    return [model.from_db(connection.alias, names, convert(row)) for row in rows]  # type: ignore[misc]


def unique_row[M: Model](model: type[M], column: str, value: Any) -> M | None:
    """The instance of ``model`` whose ``column`` (a unique key) holds ``value``, or None; the SQL is
    built once per model, column and database vendor. For lookups made on every call of a hot
    path (a meeting's policy, a connection's tokens)."""
    with connection.cursor() as cursor:
        cursor.execute(_unique_sql(connection.vendor, model, column), [value])
        return next(iter(instances(model, cursor.fetchall())), None)


@cache
def _unique_sql(vendor: str, model: type[Model], column: str) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    return f"SELECT {columns(model)} FROM {table} WHERE {table}.{connection.ops.quote_name(column)} = %s"


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
