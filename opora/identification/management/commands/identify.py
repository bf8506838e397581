from pathlib import Path

import polars as pl
from django.core.management.base import BaseCommand, CommandError

from opora.exports import write_csv
from opora.identification.exports import verdict_table
from opora.identification.models import RuleSet
from opora.identification.services import identification_compute_many, identification_save
from opora.registry.models import Municipality, Region


class Command(BaseCommand):
    help = (
        "Выявить школы по правилу за учебный год Y (2024 = 2023/24) и вывести CSV "
        "school_code,school_name,flagged,rule,reasons — по строке на каждую школу."
    )
    # The system checks import every view and URL of the site: over a second of a run that
    # reads only data (`manage.py check` and migrate still run them).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, required=True, help="учебный год выявления, например 2024"
        )
        parser.add_argument(
            "--ruleset", default="shnor-fioco", help="код правила (последняя версия)"
        )
        parser.add_argument("--municipality", help="код муниципалитета; без него — все регионы")
        parser.add_argument("--output", type=Path, help="файл CSV; без него — в стандартный вывод")
        parser.add_argument("--save", action="store_true", help="записать запуск (черновик списка)")

    def handle(self, *args, year, ruleset, municipality, output, save, **options):
        rule_set = RuleSet.objects.filter(code=ruleset).order_by("-version").first()
        if rule_set is None:
            known = ", ".join(sorted(set(RuleSet.objects.values_list("code", flat=True))))
            raise CommandError(f"Правило «{ruleset}» не найдено. Есть: {known}.")
        if municipality:
            found = Municipality.objects.filter(code=municipality).select_related("region").first()
            if found is None:
                raise CommandError(f"Муниципалитет с кодом «{municipality}» не найден.")
            territories = [(found.region, found)]
        else:
            territories = [(region, None) for region in Region.objects.all()]
        outcomes = identification_compute_many(
            user=None, rule_set=rule_set, year=year, territories=territories
        )
        if save:
            for outcome in outcomes:
                identification_save(user=None, outcome=outcome)
        frames = [outcome.verdicts for outcome in outcomes]
        self._write(pl.concat(frames) if frames else None, rule_set, output)

    def _write(self, verdicts: pl.DataFrame | None, rule_set: RuleSet, output: Path | None) -> None:
        table = verdict_table(verdicts, rule_code=rule_set.code)
        if output is None:
            write_csv(table, self.stdout, delimiter=",")
            return
        with output.open("w", encoding="utf-8", newline="") as stream:
            write_csv(table, stream, delimiter=",")
