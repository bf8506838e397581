"""Demo data: the five seed municipalities, loaded through the registry import real files use."""

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from opora.accounts.models import Role, User
from opora.assessments.services import result_import
from opora.demo.meetings import meetings_load
from opora.demo.monitoring import load_monitoring
from opora.demo.now import activities_settle
from opora.demo.region import example_region, registry_data, results_csv
from opora.demo.risks import risks_demo_load
from opora.demo.selfassessment import self_assessments_demo_load
from opora.demo.staff import staff_demo_load
from opora.identification.models import IdentificationRun, RuleSet, RunStatus
from opora.identification.services import (
    identification_approve,
    identification_compute,
    identification_save,
)
from opora.programs.models import Indicator, Order, Program
from opora.programs.services import (
    indicator_values_compute,
    orders_save,
    program_create_from_document,
)
from opora.registry.models import Municipality, Region, School
from opora.registry.services import (
    REGISTRY_OPTIONAL,
    REGISTRY_REQUIRED,
    school_context_save,
    school_registry_import_table,
)
from opora.registry.years import academic_year_label
from opora.tabular import Table

DATA_DIR = Path(__file__).parent / "data"
MUNICIPALITY_CODES = ["ivanteevka", "tyumen", "terbuny", "pirovskoe", "svobodny"]
DEMO_PASSWORD = "opora-demo"

# The lists each seed reports, as identification runs: municipality, year of the list, and the
# order (number, date) that approved it, among the orders of the seed's documents
# (opora/demo/data/programs/). Where a seed names no order the demo cites one of its own, numbered
# «(пример)» so that every page citing it says so, and titled «(пример, в документе-образце
# приказа нет)»; None leaves the run a draft. docs/demo-data.md says which seed section names
# each order.
DEMO_LISTS = [
    # seed 000: the federal criteria find no school; the list in force is the clustering (№ 71)
    ("ivanteevka", 2024, None),
    ("tyumen", 2023, ("(пример)", datetime.date(2022, 9, 1))),  # seed 001 names none: an example
    ("terbuny", 2022, ("121", datetime.date(2022, 2, 24))),  # the program naming the 3 ШНОР
    ("pirovskoe", 2022, ("75-78", datetime.date(2022, 1, 12))),  # МО КК, seed 003 «Актуальность»
    ("svobodny", 2023, ("80", datetime.date(2023, 1, 31))),
]

# login, role, scope (region name / municipality code / school code / curated school codes), name
DEMO_USERS = [
    ("region", Role.REGION, "Саратовская область", "Региональный оператор"),
    ("coord_ivanteevka", Role.COORDINATOR, "ivanteevka", "Астраханцева О.В."),
    ("coord_tyumen", Role.COORDINATOR, "tyumen", "Координатор г. Тюмени"),
    ("coord_terbuny", Role.COORDINATOR, "terbuny", "Красненкова З.Н."),
    ("coord_pirovskoe", Role.COORDINATOR, "pirovskoe", "Крисанова Л.Г."),
    ("coord_svobodny", Role.COORDINATOR, "svobodny", "Мирошниченко С.В."),
    ("curator_ivanteevka", Role.CURATOR, ["ivanteevka-01"], "Куратор Бартеневской школы"),
    ("curator_pirovskoe", Role.CURATOR, ["pirovskoe-01", "pirovskoe-02"], "Ивченко О.В."),
    ("school_barteneva", Role.SCHOOL, "ivanteevka-01", "Команда СОШ с. Бартеневка"),
    ("methodist_pirovskoe", Role.METHODIST, "pirovskoe", "Мухаметзянова Н.Ф."),
    ("observer_svobodny", Role.OBSERVER, "svobodny", "Наблюдатель г. Свободного"),
]


def demo_data() -> list[dict]:
    return [
        json.loads((DATA_DIR / f"{code}.json").read_text("utf-8")) for code in MUNICIPALITY_CODES
    ]


@transaction.atomic
def demo_load() -> None:
    """Load (or refresh) the demo municipalities and users; running it twice changes nothing."""
    for municipality in demo_data():
        _load_municipality(municipality)
    for login, role, scope, name in DEMO_USERS:
        _save_user(login=login, role=role, scope=scope, name=name)
    admin = _save_admin()
    for code in MUNICIPALITY_CODES:  # first: the orders that approve the lists come with them
        _load_programs(code)
    for code, year, order in DEMO_LISTS:
        _save_list(municipality_code=code, year=year, order=order, approver=admin)
    for clustering in json.loads((DATA_DIR / "rules" / "clusterings.json").read_text("utf-8")):
        _save_clustering(clustering, approver=admin)
    _load_example_municipalities(approver=admin)
    meetings_load(admin=admin)
    risks_demo_load()
    staff_demo_load()
    load_monitoring()
    self_assessments_demo_load()
    # After the self-assessments: the one of 2022/23, accepted with «Пробелы по выполнению
    # мероприятий закрыть к следующему году», found no activity marked; the marks are the
    # following year's work (opora/demo/now.py).
    activities_settle()


def _load_municipality(data: dict) -> None:
    school_registry_import_table(table=_registry_table(data), imported_by=None)
    Region.objects.filter(name=data["region"]).update(is_demo=True)
    # The seeds' notes on their sources are kept for the staff (docs/demo-data.md).
    Municipality.objects.filter(code=data["municipality"]["code"]).update(
        center=data["municipality"]["center"],
        source_notes=[_named_sources(note) for note in data["notes"]],
    )
    results = DATA_DIR / "results" / f"{data['municipality']['code']}.csv"
    result_import(content=results.read_bytes(), filename=results.name, imported_by=None)
    for school_data in data["schools"]:
        school = School.objects.get(code=school_data["code"])
        source_note = _named_sources(school_data["source_note"])
        if (school.is_synthetic, school.source_note) != (school_data["synthetic"], source_note):
            school.is_synthetic = school_data["synthetic"]
            school.source_note = source_note
            school.save()
        _load_context(school, school_data)


# The data files cite the seeds by number; a coordinator reads them by the document's name.
SEED_DOCUMENTS = {
    "000": "протокол и отчёт Ивантеевского района за 2022/23",
    "001": "муниципальная модель г. Тюмени",
    "002": "муниципальная программа Тербунского района",
    "003": "МППКО Пировского округа",
    "004": "приказ и дорожная карта г. Свободного",
}


def _named_sources(note):
    """A note with «seed 000» written as the document it means; notes may be nested data."""
    if isinstance(note, str):
        return re.sub(r"seed (\d{3})", lambda m: f"«{SEED_DOCUMENTS[m.group(1)]}»", note)
    if isinstance(note, dict):
        return {key: _named_sources(value) for key, value in note.items()}
    if isinstance(note, list):
        return [_named_sources(value) for value in note]
    return note


def _registry_table(data: dict) -> Table:
    header = REGISTRY_REQUIRED + REGISTRY_OPTIONAL
    rows = []
    for school in data["schools"]:
        locality = {True: "сельская", False: "городская", None: ""}[school["is_rural"]]
        cells = {
            "school_code": school["code"],
            "school_name": school["name"],
            "school_type": school["type"],
            "municipality_code": data["municipality"]["code"],
            "municipality_name": data["municipality"]["name"],
            "region_name": data["region"],
            "parent_code": school["parent"] or "",
            "short_name": school["short_name"],
            "settlement": school["settlement"] or "",
            "address": "",
            "locality": locality,
            "distance_km": "" if school["distance_km"] is None else str(school["distance_km"]),
            "is_small": "да" if school["is_small"] else "нет",
            "fisoko_login": school.get("fisoko_login", ""),
        }
        rows.append([cells[h] for h in header])
    return Table.from_rows(
        filename=f"{data['municipality']['code']}.json", header=header, rows=rows
    )


def _load_context(school: School, data: dict) -> None:
    contingents = {c["year"]: c for c in data["contingent"]}
    years = set(contingents) | {int(y) for y in data["context"]}
    for year in sorted(years):
        contingent = {k: v for k, v in contingents.get(year, {}).items() if k != "year"}
        values = {code: _context_value(v) for code, v in data["context"].get(str(year), {}).items()}
        school_context_save(
            user=None, school=school, year=year, contingent=contingent, values=values
        )


def _context_value(value) -> Decimal | str:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int | float):
        return Decimal(str(value))
    return value


def _save_user(*, login: str, role: Role, scope, name: str) -> None:
    scope_fields = {"region": None, "municipality": None, "school": None}
    if role == Role.REGION:
        scope_fields["region"] = Region.objects.get(name=scope)
    elif role in (Role.COORDINATOR, Role.METHODIST, Role.OBSERVER):
        scope_fields["municipality"] = Municipality.objects.get(code=scope)
    elif role == Role.SCHOOL:
        scope_fields["school"] = School.objects.get(code=scope)
    user, _ = User.objects.update_or_create(
        username=login, defaults={"role": role, "last_name": name, **scope_fields}
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    if role == Role.CURATOR:
        user.curated_schools.set(School.objects.filter(code__in=scope))


def _save_admin() -> User:
    admin, _ = User.objects.update_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "last_name": "Администратор"},
    )
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    return admin


def _save_list(
    *,
    municipality_code: str,
    year: int,
    order: tuple[str, datetime.date] | None,
    approver: User,
    rule_code: str = "shnor-fioco",
) -> None:
    """The demo's run of the rule for the year, approved by `order`. A run the demo made
    before is kept, and approved when an older demo left it a draft."""
    municipality = Municipality.objects.select_related("region").get(code=municipality_code)
    run = (
        IdentificationRun.objects.filter(
            municipality=municipality, year=year, rule_set__code=rule_code
        )
        .order_by("created_at")
        .first()
    )
    if run is None:
        rule_set = RuleSet.objects.filter(code=rule_code).order_by("-version").first()
        outcome = identification_compute(
            user=None,
            rule_set=rule_set,
            year=year,
            region=municipality.region,
            municipality=municipality,
        )
        run = identification_save(user=None, outcome=outcome)
    if order and run.status != RunStatus.APPROVED:
        number, date = order
        cited = Order.objects.get(region=municipality.region, number=number, date=date)
        identification_approve(user=approver, run=run, order=cited)


def _save_clustering(data: dict, *, approver: User) -> None:
    """A municipality's clustering as a rule set of its region, run once on the demo data and
    approved by the order the seed names."""
    RuleSet.objects.update_or_create(
        code=data["code"],
        version=1,
        defaults={
            "title": data["title"],
            "kind": "clustering",
            "category": "кластеры",
            "params": data["params"],
            "region": Region.objects.get(name=data["region"]),
            "source": data["source"],
        },
    )
    order = data["order"]
    _save_list(
        municipality_code=data["municipality"],
        year=data["year"],
        order=(order["number"], datetime.date.fromisoformat(order["date"])),
        approver=approver,
        rule_code=data["code"],
    )


def _load_programs(code: str) -> None:
    """The programs, orders and roadmaps of a seed, as the document writes them."""
    data = json.loads((DATA_DIR / "programs" / f"{code}.json").read_text("utf-8"))
    municipality = Municipality.objects.select_related("region").get(code=code)
    orders = orders_save(user=None, municipality=municipality, orders=data["orders"])
    for program in data["programs"]:
        if not Program.objects.filter(municipality=municipality, name=program["name"]).exists():
            program_create_from_document(
                user=None, municipality=municipality, data=program, orders=orders
            )
    for program in data["programs"]:
        _compute_indicators(municipality=municipality, program=program)


def _compute_indicators(*, municipality: Municipality, program: dict) -> None:
    """Values of the computed indicators on the dates the demo lists, from the demo results."""
    admin = User.objects.get(username="admin")
    for data in program.get("indicators", []):
        if not data.get("computed_on"):
            continue
        indicator = Indicator.objects.get(
            program__municipality=municipality, program__name=program["name"], number=data["number"]
        )
        for day in data["computed_on"]:
            measured_on = datetime.date.fromisoformat(day)
            if not indicator.values.filter(measured_on=measured_on).exists():
                indicator_values_compute(indicator=indicator, user=admin, measured_on=measured_on)


def _load_example_municipalities(*, approver: User) -> None:
    """The invented municipalities of the demo region (opora/demo/region.py) through the same
    imports as a seed's, each year's list found by the ФИОКО rule and approved by an invented
    order."""
    region = example_region()
    for municipality in region["municipalities"]:
        code = municipality["code"]
        data = registry_data(region, municipality)
        school_registry_import_table(table=_registry_table(data), imported_by=None)
        Municipality.objects.filter(code=code).update(center=municipality["center"])
        for school in School.objects.filter(municipality__code=code, is_synthetic=False):
            school.is_synthetic = True
            school.save()
        result_import(
            content=results_csv(region, municipality), filename=f"{code}.csv", imported_by=None
        )
        orders_save(
            user=None,
            municipality=Municipality.objects.get(code=code),
            orders=[
                {
                    "key": number,
                    "issuer": municipality["issuer"],
                    "number": number,
                    "date": date,
                    "title": "Об утверждении перечня школ с низкими результатами обучения на "
                    f"{academic_year_label(year)} учебный год (пример)",
                }
                for number, date, year in municipality["lists"]
            ],
        )
        for number, date, year in municipality["lists"]:
            _save_list(
                municipality_code=code,
                year=year,
                order=(number, datetime.date.fromisoformat(date)),
                approver=approver,
            )
