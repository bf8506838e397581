"""Reading query results as polars frames, column by column.

Every frame the rules and analyses compute on (results, context figures, schools) is read here,
never through Python objects one row at a time. PostgreSQL sends the rows as CSV text through
`COPY … TO STDOUT` on Django's own connection, which polars parses at once: as fast as an ADBC
driver, without the 45 ms of the second connection that driver opened for each read (three a
page), and seeing the open transaction. On SQLite, outside a transaction, the rows go straight
into Arrow through the ADBC driver (opening a file costs nothing); inside one that connection
would not see what the transaction wrote and has not committed (a test's data, a service's own
writes), so there the rows are read through Django's connection. docs/performance.md gives the
figures.
"""

import re

import polars as pl
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

_PLACEHOLDERS = re.compile(r"%%|%s")
_ONE_BATCH = 2**30  # rows; the driver's limit is a C int


def read_frame(query: QuerySet, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of a `values_list(...)` queryset as a frame with these column names and types,
    in the order of the queryset's fields."""
    connection = connections[query.db]
    try:
        sql, params = query.query.get_compiler(using=query.db).as_sql()
    except EmptyResultSet:  # a filter no row can pass (`code__in=[]`): Django asks nothing
        return pl.DataFrame(schema=schema)
    if connection.vendor == "sqlite" and _sees_everything(connection):
        return _typed(_read_adbc(connection, sql, params), schema)
    return read_sql(sql, params, schema, using=query.db)


def read_sql(sql: str, params, schema: dict[str, pl.DataType], *, using="default") -> pl.DataFrame:
    """The rows of SQL run on Django's own connection, which sees the open transaction and its
    temporary tables (an import's staged keys), as a frame with these column names and types."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        return _read_copy(connection, sql, params, schema)
    return _typed(_read_django(connection, sql, params, len(schema)), schema)


def _typed(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    frame.columns = list(schema)
    return frame.cast(schema)


def _read_copy(connection, sql: str, params, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    # Django's cursor binds parameters on the client, as COPY, taking none, needs.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement, params) as copy,
    ):
        data = b"".join(copy)
    if not data:
        return pl.DataFrame(schema=schema)
    # Every column as text first: NULL is an unquoted empty field, booleans are t and f.
    text = pl.read_csv(data, has_header=False, new_columns=list(schema), infer_schema=False)
    return text.with_columns(_from_text(pl.col(name), dtype) for name, dtype in schema.items())


def _from_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.String:
        return column
    if dtype == pl.Boolean:
        return column == "t"
    if dtype.is_numeric():  # a boolean read as a number (is_small as 0 or 1)
        return column.replace({"t": "1", "f": "0"}).cast(dtype)
    return column.cast(dtype)


def _sees_everything(connection) -> bool:
    """Whether a connection of its own sees all this process's data: no transaction is open
    (everything written is committed) and the database is not SQLite's private memory."""
    if connection.in_atomic_block or not connection.get_autocommit():
        return False
    return not connection.creation.is_in_memory_db(connection.settings_dict["NAME"])


def _read_adbc(connection, sql: str, params) -> pl.DataFrame:
    # The driver manager's own API hands over Arrow through the C stream interface, so pyarrow
    # is neither needed nor imported (its import alone took longer than a region's read).
    import adbc_driver_manager
    import adbc_driver_sqlite

    sql = _PLACEHOLDERS.sub(lambda m: "%" if m[0] == "%%" else "?", sql)
    database = adbc_driver_sqlite.connect(str(connection.settings_dict["NAME"]))
    adbc = adbc_driver_manager.AdbcConnection(database)
    statement = adbc_driver_manager.AdbcStatement(adbc)
    try:
        # The driver infers each column's type from the first batch of rows: with the default
        # 1,024 a column empty there (no head school) turned out a number and its first text
        # failed the read. One batch: the type of every value counts.
        statement.set_options(**{"adbc.sqlite.query.batch_rows": str(_ONE_BATCH)})
        statement.set_sql_query(sql)
        if params:
            statement.bind_stream(
                pl.DataFrame([pl.Series(f"p{i}", [value]) for i, value in enumerate(params)])
            )
        stream, _ = statement.execute_query()
        return pl.DataFrame(stream)
    finally:
        statement.close()
        adbc.close()
        database.close()


def _read_django(connection, sql: str, params, width: int) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    # Column by column: Python's objects become Arrow arrays once, not a frame row by row.
    # Not strict: a decimal column holds both whole and fractional numbers (40 and 40.5).
    return pl.DataFrame(
        [pl.Series(f"c{i}", values, strict=False) for i, values in enumerate(columns)]
    )
