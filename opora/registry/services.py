"""Every write to the registry: the school registry import, edits of a school and its context.

Each write checks its user (`imported_by` for the import) itself; None is the console operator
(see opora.accounts.permissions)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from opora import bulk
from opora.accounts.models import User
from opora.accounts.permissions import (
    can_add_municipality,
    can_edit_school,
    can_import_files,
    can_manage_municipality,
    opens_regions,
)
from opora.columnar import read_sql
from opora.registry.models import (
    FISOKO_LOGIN,
    FISOKO_LOGIN_WRONG,
    ContextIndicator,
    ContextUnit,
    ContextValue,
    Contingent,
    Municipality,
    Region,
    School,
    SchoolType,
    fisoko_login_normal,
)
from opora.tabular import (
    Problem,
    Table,
    check_columns,
    named_columns,
    read_table,
)

REGISTRY_REQUIRED = [
    "school_code",
    "school_name",
    "school_type",
    "municipality_code",
    "municipality_name",
    "region_name",
]
REGISTRY_OPTIONAL = [
    "parent_code",
    "short_name",
    "settlement",
    "address",
    "locality",
    "distance_km",
    "is_small",
    "fisoko_login",
]
# Each column's Russian names (the first is the one templates and docs/formats.md write).
REGISTRY_NAMES = {
    "school_code": ["Код ОО", "Код школы"],
    "school_name": ["Наименование ОО", "Полное наименование"],
    "school_type": ["Тип ОО", "Тип"],
    "municipality_code": ["Код муниципалитета"],
    "municipality_name": ["Муниципалитет", "Наименование муниципалитета"],
    "region_name": ["Регион"],
    "parent_code": ["Код головной ОО", "Код головной школы"],
    "short_name": ["Краткое наименование"],
    "settlement": ["Населённый пункт"],
    "address": ["Адрес"],
    "locality": ["Местность"],
    "distance_km": ["Расстояние до центра, км", "Расстояние, км"],
    "is_small": ["Малокомплектная"],
    "fisoko_login": ["Логин ФИС ОКО", "Логин"],
}
TRUE_WORDS = {"1", "да", "true", "yes", "+"}
FALSE_WORDS = {"0", "нет", "false", "no", "-", ""}
LOCALITY_WORDS = {
    "сельская": True,
    "село": True,
    "rural": True,
    "городская": False,
    "город": False,
    "urban": False,
}


@dataclass
class ImportResult:
    """What a registry import did — or, for a preview, would do: the plan is the same."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    municipalities_created: list[str] = field(default_factory=list)
    rows_read: int = 0
    changes: list[str] = field(default_factory=list)  # the first changed schools in words
    dry_run: bool = False

    def describe(self) -> str:
        created, updated = (
            ("Будет создано", "будет обновлено")
            if self.dry_run
            else (
                "Создано",
                "обновлено",
            )
        )
        text = (
            f"{created} школ: {self.created}, {updated}: {self.updated}, "
            f"без изменений: {self.unchanged}."
        )
        if self.municipalities_created:
            text += " Новые муниципалитеты: " + ", ".join(self.municipalities_created) + "."
        return text


@dataclass
class RegistryRow:
    number: int
    code: str
    name: str
    short_name: str
    school_type: str
    parent_code: str
    municipality_code: str
    municipality_name: str
    region_name: str
    settlement: str
    address: str
    is_rural: bool | None
    distance_km: Decimal | None
    is_small: bool
    fisoko_login: str | None  # None: the file has no such column, keep what is stored


def school_registry_import(
    *, content: bytes, filename: str, imported_by: User | None, dry_run: bool = False
) -> ImportResult:
    """Create or update schools from a registry file; a file with any error changes nothing.

    `imported_by` None is the command line, which works with the whole database. With `dry_run`
    nothing is written: the result is the preview of what loading would do.
    """
    return school_registry_import_table(
        table=read_table(content, filename=filename), imported_by=imported_by, dry_run=dry_run
    )


def school_registry_import_table(
    *, table: Table, imported_by: User | None, dry_run: bool = False
) -> ImportResult:
    if imported_by is not None and not can_import_files(imported_by):
        raise PermissionDenied
    table = named_columns(table, REGISTRY_NAMES)
    check_columns(
        table, required=REGISTRY_REQUIRED, optional=REGISTRY_OPTIONAL, names=REGISTRY_NAMES
    )
    rows, problems = _parse_registry_rows(table)
    problems += _check_registry_references(rows, user=imported_by)
    problems += _check_fisoko_logins(rows)
    if problems:
        raise table.refused(problems)
    return _store_registry_rows(rows, imported_by=imported_by, dry_run=dry_run)


def _parse_registry_rows(table: Table) -> tuple[list[RegistryRow], list[Problem]]:
    rows, problems, first_row = [], [], {}
    for number, cells in table.rows:
        earlier = first_row.setdefault(cells["school_code"], number)
        problems += [
            Problem(number, column, message)
            for column, message in _registry_row_problems(
                cells, repeats=earlier if earlier != number else None
            )
        ]
        rows.append(_registry_row(number, cells))
    return rows, problems


def _registry_row_problems(
    cells: dict[str, str], *, repeats: int | None
) -> Iterator[tuple[str, str]]:
    """(column, message) for everything wrong within one row of a registry file."""
    for column in REGISTRY_REQUIRED:
        if not cells[column]:
            yield column, "пустое значение"
    if repeats:
        yield "school_code", f"код {cells['school_code']} уже встречался в строке {repeats}"
    school_type = _school_type(cells["school_type"])
    if cells["school_type"] and not school_type:
        known = ", ".join(t.value for t in SchoolType)
        yield "school_type", f"неизвестный тип «{cells['school_type']}»; допустимы: {known}"
    parent_code = cells.get("parent_code", "")
    if school_type == SchoolType.BRANCH and not parent_code:
        yield "parent_code", "у филиала должен быть указан код головной школы"
    if parent_code and school_type and school_type != SchoolType.BRANCH:
        yield "parent_code", "головная школа указывается только для филиала"
    distance = _parse_decimal(cells.get("distance_km", ""))
    if distance is False or (distance is not None and distance < 0):
        yield "distance_km", f"ожидается неотрицательное число, а не «{cells['distance_km']}»"
    if cells.get("is_small", "").lower() not in TRUE_WORDS | FALSE_WORDS:
        yield "is_small", f"ожидается «да» или «нет», а не «{cells['is_small']}»"
    locality = cells.get("locality", "").lower()
    if locality and locality not in LOCALITY_WORDS:
        yield "locality", f"ожидается «сельская» или «городская», а не «{cells['locality']}»"
    if not FISOKO_LOGIN.fullmatch(fisoko_login_normal(cells.get("fisoko_login", ""))):
        yield "fisoko_login", f"{FISOKO_LOGIN_WRONG}, а не «{cells['fisoko_login']}»"


def _registry_row(number: int, cells: dict[str, str]) -> RegistryRow:
    distance = _parse_decimal(cells.get("distance_km", ""))
    return RegistryRow(
        number=number,
        code=cells["school_code"],
        name=cells["school_name"],
        short_name=cells.get("short_name") or cells["school_name"][:200],
        school_type=_school_type(cells["school_type"]) or "",
        parent_code=cells.get("parent_code", ""),
        municipality_code=cells["municipality_code"],
        municipality_name=cells["municipality_name"],
        region_name=cells["region_name"],
        settlement=cells.get("settlement", ""),
        address=cells.get("address", ""),
        is_rural=LOCALITY_WORDS.get(cells.get("locality", "").lower()),
        distance_km=distance if distance is not False else None,
        is_small=cells.get("is_small", "").lower() in TRUE_WORDS,
        fisoko_login=(
            fisoko_login_normal(cells["fisoko_login"]) if "fisoko_login" in cells else None
        ),
    )


_SCHOOL_TYPES = {t.value.lower(): t.value for t in SchoolType}


def _school_type(word: str) -> str | None:
    return _SCHOOL_TYPES.get(word.lower())


def _parse_decimal(text: str) -> Decimal | None | bool:
    """A number written the Russian or the English way; None when empty, False when not a number."""
    if not text:
        return None
    try:
        return Decimal(text.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        return False


def _check_registry_references(rows: list[RegistryRow], *, user: User | None) -> list[Problem]:
    problems = []
    by_code = {row.code: row for row in rows}
    existing = _school_municipalities(list(by_code))
    municipalities = {
        m.code: m
        for m in Municipality.objects.filter(
            code__in={r.municipality_code for r in rows}
        ).select_related("region")
    }
    for row in rows:
        municipality = municipalities.get(row.municipality_code)
        if municipality and municipality.region.name != row.region_name:
            problems.append(
                Problem(
                    row.number,
                    "region_name",
                    f"муниципалитет {row.municipality_code} относится к другому региону",
                )
            )
        if not _may_import_into(user, municipality, row):
            problems.append(
                Problem(row.number, "municipality_code", "муниципалитет вне вашей области работы")
            )
        known_in = existing.get(row.code)
        if known_in and known_in != row.municipality_code:
            problems.append(
                Problem(
                    row.number,
                    "school_code",
                    "школа с этим кодом уже числится в другом муниципалитете",
                )
            )
        if row.parent_code:
            problems += _check_parent(row, by_code)
    return problems


def _school_municipalities(codes: list[str]) -> dict[str, str]:
    """The municipality code of each school of the file already in the registry, read set-wise
    (a country's 40,000 codes exceed the parameters one query may have)."""
    with bulk.staged(pl.DataFrame({"code": codes}, schema={"code": pl.String}), name="codes") as c:
        return dict(
            read_sql(
                "SELECT s.code, m.code FROM registry_school s "
                f"JOIN {c} c ON c.code = s.code "
                "JOIN registry_municipality m ON m.id = s.municipality_id",
                [],
                schema={"code": pl.String, "municipality": pl.String},
            ).iter_rows()
        )


def _check_fisoko_logins(rows: list[RegistryRow]) -> list[Problem]:
    """A login names one school: not twice in the file, not one of a school the file leaves."""
    problems, first = [], {}
    for row in rows:
        if row.fisoko_login and first.setdefault(row.fisoko_login, row.number) != row.number:
            problems.append(
                Problem(
                    row.number,
                    "fisoko_login",
                    f"логин {row.fisoko_login} уже встречался в строке {first[row.fisoko_login]}",
                )
            )
    codes = {row.code for row in rows}
    taken = dict(
        School.objects.filter(fisoko_login__in=first)
        .exclude(code__in=codes)
        .values_list("fisoko_login", "code")
    )
    problems += [
        Problem(
            row.number,
            "fisoko_login",
            f"логин {row.fisoko_login} уже указан у школы {taken[row.fisoko_login]}",
        )
        for row in rows
        if row.fisoko_login in taken
    ]
    return problems


def _may_import_into(
    user: User | None, municipality: Municipality | None, row: RegistryRow
) -> bool:
    if user is None:
        return True
    if municipality is not None:
        return can_manage_municipality(user, municipality)
    return can_add_municipality(user, region_name=row.region_name)


def _check_parent(row: RegistryRow, by_code: dict[str, RegistryRow]) -> list[Problem]:
    in_file = by_code.get(row.parent_code)
    if in_file:
        parent_type, parent_municipality = in_file.school_type, in_file.municipality_code
    else:
        parent = School.objects.filter(code=row.parent_code).select_related("municipality").first()
        if parent is None:
            return [
                Problem(row.number, "parent_code", f"головная школа {row.parent_code} не найдена")
            ]
        parent_type, parent_municipality = parent.school_type, parent.municipality.code
    if parent_municipality != row.municipality_code:
        return [
            Problem(row.number, "parent_code", "головная школа относится к другому муниципалитету")
        ]
    if parent_type == SchoolType.BRANCH:
        return [Problem(row.number, "parent_code", "головная школа сама является филиалом")]
    return []


SCHOOL_FIELDS = {
    "municipality_id": pl.Int64,
    "name": pl.String,
    "short_name": pl.String,
    "school_type": pl.String,
    "parent_code": pl.String,
    "settlement": pl.String,
    "address": pl.String,
    "is_rural": pl.Boolean,
    "distance_km": pl.Float64,
    "is_small": pl.Boolean,
}
FIELD_LABELS = {
    "municipality_id": "муниципалитет",
    "name": "наименование",
    "short_name": "краткое наименование",
    "school_type": "тип",
    "parent_code": "головная школа",
    "settlement": "населённый пункт",
    "address": "адрес",
    "is_rural": "сельская",
    "distance_km": "расстояние, км",
    "is_small": "малокомплектная",
    "fisoko_login": "логин ФИС ОКО",
}
SHOWN_CHANGES = 10
DRY_RUN_NOTE = "Ничего не записано: это предпросмотр (--dry-run)."


@transaction.atomic
def _store_registry_rows(
    rows: list[RegistryRow], *, imported_by: User | None = None, dry_run: bool = False
) -> ImportResult:
    """The registry's plan — new, changed and unchanged schools — and, unless a dry run, its
    write: one upsert of the heads, one of the branches, one insert of their history."""
    result = ImportResult(rows_read=len(rows), dry_run=dry_run)
    municipalities = _municipalities(rows, result=result, create=not dry_run)
    # A file without the column keeps the logins stored; with it, an empty cell clears one.
    fields = dict(SCHOOL_FIELDS)
    if any(row.fisoko_login is not None for row in rows):
        fields["fisoko_login"] = pl.String
    incoming = pl.DataFrame(
        [
            (
                row.code,
                municipalities.get(row.municipality_code),
                row.name,
                row.short_name,
                row.school_type,
                row.parent_code,
                row.settlement,
                row.address,
                row.is_rural,
                float(row.distance_km) if row.distance_km is not None else None,
                row.is_small,
                row.fisoko_login,
            )
            for row in rows
        ],
        schema={"code": pl.String, **SCHOOL_FIELDS, "fisoko_login": pl.String},
        orient="row",
    ).select("code", *fields)
    existing = _existing_schools(incoming.select("code"))
    joined = incoming.join(existing, on="code", how="left", suffix="_old")
    plan = bulk.classify(joined, fields=fields)
    result.created = plan.filter(pl.col(bulk.HISTORY_TYPE) == bulk.CREATED).height
    result.updated = plan.filter(pl.col(bulk.HISTORY_TYPE) == bulk.CHANGED).height
    result.unchanged = plan.filter(pl.col(bulk.HISTORY_TYPE) == bulk.UNCHANGED).height
    result.changes = _school_changes(
        plan.filter(pl.col(bulk.HISTORY_TYPE) == bulk.CHANGED), fields=list(fields)
    )
    if not dry_run:
        written = plan.filter(pl.col(bulk.HISTORY_TYPE) != bulk.UNCHANGED).select(
            "code", *fields, bulk.HISTORY_TYPE
        )
        _write_schools(
            written.with_columns(parent_id=pl.lit(None, pl.Int64)),
            imported_by,
        )
    return result


def _municipalities(rows: list[RegistryRow], *, result: ImportResult, create: bool) -> dict:
    """Each municipality code of the file and its id; new ones are created only for a write (a
    preview names them and leaves their schools' municipality empty: they are all new)."""
    named = {row.municipality_code: row for row in rows}
    ids = dict(Municipality.objects.filter(code__in=named).values_list("code", "pk"))
    for code, row in named.items():
        if code in ids:
            continue
        result.municipalities_created.append(row.municipality_name)
        ids[code] = None
        if create:
            region, _ = Region.objects.get_or_create(name=row.region_name)
            ids[code] = Municipality.objects.create(
                code=code, name=row.municipality_name, region=region
            ).pk
    return ids


def _existing_schools(codes: pl.DataFrame) -> pl.DataFrame:
    with bulk.staged(codes, name="school_codes") as source:
        return read_sql(
            "SELECT s.code, s.municipality_id, s.name, s.short_name, s.school_type, "
            "COALESCE(p.code, ''), s.settlement, s.address, s.is_rural, s.distance_km, "
            "s.is_small, s.fisoko_login, 1 "
            f"FROM registry_school s JOIN {source} c ON c.code = s.code "
            "LEFT JOIN registry_school p ON p.id = s.parent_id",
            [],
            schema={
                "code": pl.String,
                **{f"{f}_old": t for f, t in SCHOOL_FIELDS.items()},
                "fisoko_login_old": pl.String,
                "exists": pl.Int64,
            },
        )


def _school_changes(changed: pl.DataFrame, *, fields: list[str]) -> list[str]:
    """The first changed schools in words: code, then each changed field «old» → «new»."""
    lines = []
    for row in changed.sort("code").head(SHOWN_CHANGES).iter_rows(named=True):
        moved = [
            f"{FIELD_LABELS[f]} «{_shown(row[f + '_old'])}» → «{_shown(row[f])}»"
            for f in fields
            if row[f] != row[f + "_old"]
        ]
        lines.append(f"{row['code']} ({row['short_name']}): " + "; ".join(moved))
    if changed.height > SHOWN_CHANGES:
        lines.append(f"… и ещё школ с изменениями: {changed.height - SHOWN_CHANGES}")
    return lines


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value)


def _write_schools(written: pl.DataFrame, imported_by: User | None) -> None:
    if written.is_empty():
        return
    columns = [c for c in written.columns if c in FIELD_LABELS and c != "parent_code"]
    columns.append("parent_id")
    # A file without logins leaves stored ones alone; a new school takes the model's defaults
    # (no login, not invented) from the upsert.
    with bulk.staged(written, name="schools") as source:
        if "fisoko_login" in written.columns:
            _release_fisoko_logins(source)
        # Head schools first, so that branches can point at them, new ones too.
        bulk.upsert(
            model=School,
            source=source,
            key=["code"],
            columns=columns,
            where="parent_code = ''",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {source} SET parent_id = "
                f"(SELECT p.id FROM registry_school p WHERE p.code = {source}.parent_code)"
                " WHERE parent_code <> ''"
            )
        bulk.upsert(
            model=School,
            source=source,
            key=["code"],
            columns=columns,
            where="parent_code <> ''",
        )
        bulk.write_history(
            model=School,
            source=source,
            key=["code"],
            user_id=imported_by.pk if imported_by else None,
            reason="Загрузка реестра школ",
        )


def _release_fisoko_logins(source: str) -> None:
    """Clear the logins the file moves to another school before the upserts write them: a file
    may swap two schools' logins, and the unique login is checked row by row. In the import's
    transaction, so nobody sees a school without its login; history records only the result."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_school SET fisoko_login = '' WHERE fisoko_login <> '' AND code IN "
            f"(SELECT s.code FROM {source} s WHERE s.fisoko_login <> registry_school.fisoko_login)"
        )


@transaction.atomic
def school_update(*, user: User | None, school: School, values: dict) -> School:
    _check_edits_school(user, school)
    for name, value in values.items():
        setattr(school, name, value)
    school.full_clean()
    school.save()
    return school


@transaction.atomic
def school_context_save(
    *, user: User | None, school: School, year: int, contingent: dict, values: dict[str, object]
) -> None:
    """Store a school's context for one year; an empty value removes the figure for that year.

    `values` maps indicator codes to Decimal (numbers, years, yes/no as 1/0), str (text) or None.
    """
    _check_edits_school(user, school)
    if contingent.get("total") is None:
        Contingent.objects.filter(school=school, year=year).delete()
    else:
        Contingent.objects.update_or_create(school=school, year=year, defaults=contingent)
    indicators = ContextIndicator.objects.in_bulk(values.keys(), field_name="code")
    for code, value in values.items():
        indicator = indicators[code]
        if value is None or value == "":
            for stale in ContextValue.objects.filter(school=school, year=year, indicator=indicator):
                stale.delete()  # one by one, so that history records the removal
            continue
        fields = (
            {"text": value, "number": None}
            if indicator.unit == ContextUnit.TEXT
            else {"number": value, "text": ""}
        )
        current = ContextValue.objects.filter(school=school, year=year, indicator=indicator).first()
        if current is None:
            ContextValue.objects.create(school=school, year=year, indicator=indicator, **fields)
        elif (current.number, current.text) != (fields["number"], fields["text"]):
            current.number, current.text = fields["number"], fields["text"]
            current.save()


def _check_edits_school(user: User | None, school: School) -> None:
    if user is not None and not can_edit_school(user, school):
        raise PermissionDenied


@transaction.atomic
def region_save(
    *, user: User | None, name: str, municipalities: list[tuple[str, str]]
) -> tuple[Region, list[Municipality]]:
    """Open a region (or find it by name) and add its municipalities, given as (code, name);
    a municipality already there keeps its code and gets the name given. Returns the region
    and the municipalities created."""
    name = name.strip()
    region = Region.objects.filter(name=name).first()
    if region is None:
        if not opens_regions(user):
            raise PermissionDenied
        region = Region(name=name)
        region.full_clean()
        region.save()
    created = []
    for code, title in municipalities:
        municipality = Municipality.objects.filter(code=code).select_related("region").first()
        if municipality is None:
            if user is not None and not can_add_municipality(user, region_name=name):
                raise PermissionDenied
            municipality = Municipality(region=region, code=code, name=title.strip())
            municipality.full_clean()
            municipality.save()
            created.append(municipality)
        elif municipality.region_id != region.pk:
            raise ValidationError(
                f"Муниципалитет с кодом {code} уже есть в регионе «{municipality.region}»."
            )
        elif user is not None and not can_manage_municipality(user, municipality):
            raise PermissionDenied
        elif municipality.name != title.strip():
            municipality.name = title.strip()
            municipality.save(update_fields=["name"])
    return region, created
