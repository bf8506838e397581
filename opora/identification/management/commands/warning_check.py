"""Check the early warning against history in the database: for each region and each year Y
whose list for Y + 1 can be drawn, how many warned schools entered the list (docs/methods.md)."""

from django.core.management.base import BaseCommand

from opora.assessments.selectors import results_frame
from opora.identification.early_warning import warning_check
from opora.identification.models import RuleSet
from opora.identification.rules import EARLY_WARNING, LOW_RESULTS, rule_from_params
from opora.identification.selectors import analysis_rule
from opora.registry.models import Region, School


class Command(BaseCommand):
    help = "Точность группы риска на истории: сколько названных школ вошли в список через год."

    def add_arguments(self, parser):
        parser.add_argument("--rule", default="shnor-fioco", help="код правила списка")

    def handle(self, *args, rule, **options):
        rule_set = RuleSet.objects.filter(code=rule, kind=LOW_RESULTS).order_by("-version").first()
        if rule_set is None:
            self.stderr.write(f"Нет правила о низких результатах с кодом {rule}")
            return
        list_rule = rule_from_params(LOW_RESULTS, rule_set.params)
        totals = {"warned": 0, "entered": 0, "hits": 0}
        for region in Region.objects.order_by("name"):
            schools = School.objects.filter(municipality__region=region)
            results = results_frame(schools=schools)
            if results.is_empty():
                continue
            warning = rule_from_params(
                EARLY_WARNING, analysis_rule(kind=EARLY_WARNING, region=region).params
            )
            first, last = results["year"].min(), results["year"].max()
            # A warning for Y reads Y − 1 and before; the list for Y + 1 needs the results of Y.
            years = range(first + 1, last + 1)
            check = warning_check(
                results,
                rule=list_rule,
                warning=warning,
                years=years,
                schools=list(schools.values_list("code", flat=True)),
            )
            for row in check.iter_rows(named=True):
                self.stdout.write(
                    f"{region.name}: группа риска при списке {row['year']} → список "
                    f"{row['year'] + 1}: названо {row['warned']}, вошли в список {row['entered']}, "
                    f"из них названы {row['hits']}"
                )
            for key in totals:
                totals[key] += int(check[key].sum()) if check.height else 0
        precision = totals["hits"] / totals["warned"] if totals["warned"] else None
        recall = totals["hits"] / totals["entered"] if totals["entered"] else None
        self.stdout.write(
            f"Всего: названо {totals['warned']}, вошли {totals['entered']}, совпало "
            f"{totals['hits']}; точность {_share(precision)}, полнота {_share(recall)}"
        )


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")
