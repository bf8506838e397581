"""Reading query results as polars frames, column by column.

Every frame the rules and analyses compute on (results, context figures, schools) is read here.
Outside a transaction the rows go from the database straight into Arrow through an ADBC driver
(SQLite or PostgreSQL, decided by Django's DATABASES), never through Python objects one row at a
time. Inside a transaction the ADBC connection, being another connection, would not see what the
transaction wrote and has not committed (a test's data, a service's own writes): there the rows
are read through Django's own connection. docs/performance.md gives the figures of both.
"""

import re
from urllib.parse import quote, urlencode

import polars as pl
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

_PLACEHOLDERS = re.compile(r"%%|%s")
# OPTIONS of Django's PostgreSQL backend that are its own, not libpq's.
_ONE_BATCH = 2**30  # rows; the driver's limit is a C int
_DJANGO_ONLY_OPTIONS = {"isolation_level", "assume_role", "server_side_binding", "pool"}


def database_uri(connection) -> str:
    """The connection string of a Django connection for an ADBC driver: the file of SQLite, the
    libpq URI of PostgreSQL (user, password, host, port, name and libpq options such as sslmode).
    Read from the live connection's settings, so a test database is the one named."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(settings["NAME"])
    user = quote(settings.get("USER") or "", safe="")
    password = settings.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else f"{user}@" if user else ""
    host = settings.get("HOST") or ""
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    options = {
        key: value
        for key, value in (settings.get("OPTIONS") or {}).items()
        if key not in _DJANGO_ONLY_OPTIONS and isinstance(value, str | int)
    }
    query = f"?{urlencode(options)}" if options else ""
    return f"postgresql://{credentials}{quote(host, safe='')}{port}/{settings['NAME']}{query}"


def read_frame(query: QuerySet, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of a `values_list(...)` queryset as a frame with these column names and types,
    in the order of the queryset's fields."""
    connection = connections[query.db]
    try:
        sql, params = query.query.get_compiler(using=query.db).as_sql()
    except EmptyResultSet:  # a filter no row can pass (`code__in=[]`): Django asks nothing
        return pl.DataFrame(schema=schema)
    if not _sees_everything(connection):
        return read_sql(sql, params, schema, using=query.db)
    return _typed(_read_adbc(connection, sql, params), schema)


def read_sql(sql: str, params, schema: dict[str, pl.DataType], *, using="default") -> pl.DataFrame:
    """The rows of SQL run on Django's own connection, which sees the open transaction and its
    temporary tables (an import's staged keys), as a frame with these column names and types."""
    return _typed(_read_django(connections[using], sql, params, len(schema)), schema)


def _typed(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    frame.columns = list(schema)
    # PostgreSQL's numeric arrives from ADBC as an opaque extension over its text.
    opaque = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Extension)]
    return frame.with_columns(pl.col(opaque).ext.storage()).cast(schema)


def _sees_everything(connection) -> bool:
    """Whether a connection of its own sees all this process's data: no transaction is open
    (everything written is committed) and the database is not SQLite's private memory."""
    if connection.in_atomic_block or not connection.get_autocommit():
        return False
    return not (
        connection.vendor == "sqlite"
        and connection.creation.is_in_memory_db(connection.settings_dict["NAME"])
    )


def _read_adbc(connection, sql: str, params) -> pl.DataFrame:
    # The driver manager's own API hands over Arrow through the C stream interface, so pyarrow
    # is neither needed nor imported (its import alone took longer than a region's read).
    import adbc_driver_manager

    if connection.vendor == "sqlite":
        import adbc_driver_sqlite as driver

        sql = _PLACEHOLDERS.sub(lambda m: "%" if m[0] == "%%" else "?", sql)
    else:
        import adbc_driver_postgresql as driver

        numbers = iter(range(1, len(params) + 1))
        sql = _PLACEHOLDERS.sub(lambda m: "%" if m[0] == "%%" else f"${next(numbers)}", sql)
    database = driver.connect(database_uri(connection))
    adbc = adbc_driver_manager.AdbcConnection(database)
    statement = adbc_driver_manager.AdbcStatement(adbc)
    try:
        if connection.vendor == "sqlite":
            # The driver infers each column's type from the first batch of rows: with the
            # default 1,024 a column empty there (no head school) turned out a number and its
            # first text failed the read. One batch: the type of every value counts.
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
