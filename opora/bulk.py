"""Set-based writes for the imports: a polars frame in, a few SQL statements out.

A file of two million results cannot be written object by object (the ORM, or simple_history's
bulk helpers, which build one Python object per row and per history row: 4,400 rows/s). Here a
frame is loaded into a temporary table in one go — `executemany` on SQLite, `COPY` on
PostgreSQL — and the imports read, upsert and write history from it with one statement each,
inside the caller's transaction, so a failure at any point changes nothing.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from django.db import connection
from django.db.models import Model
from django.utils import timezone

# History rows record the change as simple_history does: "+" created, "~" changed.
CREATED, CHANGED, UNCHANGED = "+", "~", "="
HISTORY_TYPE = "history_type"


def _sql_type(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "bigint"
    if dtype.is_float():
        return "double precision"
    if dtype == pl.Boolean:
        return "boolean"
    if isinstance(dtype, pl.Decimal):
        return "numeric"
    return "text"


@contextmanager
def staged(frame: pl.DataFrame, *, name: str) -> Iterator[str]:
    """The frame as a temporary table of this connection, dropped on leaving."""
    table = connection.ops.quote_name(f"opora_staged_{name}")
    columns = ", ".join(
        f"{connection.ops.quote_name(c)} {_sql_type(t)}" for c, t in frame.schema.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns})")
        if frame.height:
            _load(cursor, table, frame)
    yield table
    # Not on an error: PostgreSQL refuses any statement in a failed transaction, and would hide
    # the error; the rollback removes the table anyway (both databases roll back DDL), and
    # outside a transaction the next use drops what is left.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _load(cursor, table: str, frame: pl.DataFrame) -> None:
    # The driver's own cursor is used below: its errors are made Django's, as a query's are.
    with connection.wrap_database_errors:
        _load_raw(cursor, table, frame)


def _load_raw(cursor, table: str, frame: pl.DataFrame) -> None:
    names = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    if connection.vendor == "postgresql":
        # CSV text made by polars in one call: empty unquoted cells are NULL, strings quoted.
        data = io.BytesIO()
        frame.write_csv(data, include_header=False, quote_style="non_numeric", null_value="")
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(data.getvalue())
        return
    marks = ", ".join(["?"] * frame.width)
    # The sqlite3 cursor itself: Django's wrapper would rewrite each row's parameters.
    raw = cursor.cursor
    for chunk in frame.iter_slices(50_000):
        raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", chunk.iter_rows())


def insert_new(
    *, model: type[Model], frame: pl.DataFrame, batch: str, user_id: int | None, reason: str
) -> None:
    """Insert rows the plan knows are new straight into the table (`COPY` / `executemany`: no
    temporary table, no ON CONFLICT), then their "+" history rows in one INSERT … SELECT of the
    rows whose column `batch` holds the frame's (single) value — it must name this write only. A
    row inserted meanwhile under the same natural key fails the unique constraint, and the
    caller's transaction changes nothing."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    defaulted = _defaults(model, leaving_out=frame.columns)
    frame = frame.with_columns(pl.lit(f.get_default()).alias(f.column) for f in defaulted)
    with connection.cursor() as cursor:
        _load(cursor, table, frame)
    _history(
        model=model,
        rows=f"{table} t WHERE t.{q(batch)} = %s",
        kind=f"'{CREATED}'",
        params=[frame[batch][0]],
        user_id=user_id,
        reason=reason,
    )


def update(*, model: type[Model], source: str, key: list[str], columns: list[str]) -> None:
    """Set the columns of the rows with the source's natural keys: one UPDATE … FROM."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    assignments = ", ".join(f"{q(c)} = s.{q(c)}" for c in columns)
    joined = " AND ".join(f"{table}.{q(c)} = s.{q(c)}" for c in key)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} FROM {source} s WHERE {joined}")


def classify(joined: pl.DataFrame, *, fields: list[str]) -> pl.DataFrame:
    """Each incoming row beside the stored one (joined with `exists` and `<field>_old` columns)
    marked in HISTORY_TYPE: "+" new, "=" unchanged, "~" changed in any of `fields`."""
    same = pl.all_horizontal(pl.col(f).eq_missing(pl.col(f"{f}_old")) for f in fields)
    return joined.with_columns(
        pl.when(pl.col("exists").is_null())
        .then(pl.lit(CREATED))
        .when(same)
        .then(pl.lit(UNCHANGED))
        .otherwise(pl.lit(CHANGED))
        .alias(HISTORY_TYPE)
    )


def upsert(
    *,
    model: type[Model],
    source: str,
    key: list[str],
    columns: list[str],
    where: str = "",
) -> None:
    """Insert the source's rows, or update the row with the same natural key (a unique constraint
    of `key`): one INSERT … SELECT … ON CONFLICT DO UPDATE on both databases. A new row takes
    the model's defaults for the fields the source does not carry; an updated row keeps them."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    written = [*key, *columns]
    names = ", ".join(q(c) for c in written)
    defaulted = _defaults(model, leaving_out=written)
    targets = ", ".join([names, *(q(f.column) for f in defaulted)])
    values = ", ".join([names, *(["%s"] * len(defaulted))])
    updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in columns)
    # SQLite needs a WHERE to tell the upsert's ON from a join's ON.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({targets}) SELECT {values} FROM {source} "
            f"WHERE {where or '1 = 1'} "
            f"ON CONFLICT ({', '.join(q(c) for c in key)}) DO UPDATE SET {updates}",
            [f.get_db_prep_save(f.get_default(), connection) for f in defaulted],
        )


def _defaults(model: type[Model], *, leaving_out: list[str]) -> list:
    """The fields a new row takes from the model's defaults (`get_default`: the declared
    default, else "" for text, else NULL), as Django's own insert would: a field added later (a
    note, a flag) must not break an import that does not know of it."""
    return [
        f for f in model._meta.concrete_fields if f.column not in leaving_out and not f.primary_key
    ]


def write_history(
    *, model: type[Model], source: str, key: list[str], user_id: int | None, reason: str
) -> None:
    """A history row for each created or changed row of the source, as simple_history writes it
    (every field of the row as it now is, history_date, history_type "+" or "~", history_user,
    history_change_reason), copied from the table in one statement."""
    q = connection.ops.quote_name
    joined = " AND ".join(f"t.{q(c)} = s.{q(c)}" for c in key)
    _history(
        model=model,
        rows=f"{q(model._meta.db_table)} t JOIN {source} s ON {joined} "
        f"WHERE s.{HISTORY_TYPE} IN ('{CREATED}', '{CHANGED}')",
        kind=f"s.{HISTORY_TYPE}",
        params=[],
        user_id=user_id,
        reason=reason,
    )


def _history(
    *, model: type[Model], rows: str, kind: str, params: list, user_id: int | None, reason: str
) -> None:
    q = connection.ops.quote_name
    history = q(model.history.model._meta.db_table)
    fields = [f.column for f in model._meta.concrete_fields]
    names = ", ".join(q(c) for c in fields)
    copied = ", ".join(f"t.{q(c)}" for c in fields)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history} ({names}, history_date, history_type, history_user_id, "
            f"history_change_reason) SELECT {copied}, %s, {kind}, %s, %s FROM {rows}",
            [now, user_id, reason, *params],
        )
