"""Demo self-assessments: Pirovskoe and Ivanteevka assessed for their seed years from the demo's
own data (every piece of evidence Opora finds is accepted; what the seeds do not show stays a
gap). Pirovskoe's waits for its region, Ivanteevka's 2022/23 is accepted and its 2023/24 is being
filled, so the region's table shows a change. Idempotent: an existing one is kept."""

from opora.accounts.models import User
from opora.registry.models import Municipality
from opora.selfassessment import services
from opora.selfassessment.selectors import assessment_view

# municipality, year, what happens after the coordinator has accepted the evidence
DEMO = [
    ("pirovskoe", 2022, "submit"),
    ("ivanteevka", 2023, "accept"),
    ("ivanteevka", 2024, "draft"),
]


def self_assessments_demo_load() -> None:
    for code, year, state in DEMO:
        municipality = Municipality.objects.get(code=code)
        if municipality.self_assessments.filter(year=year).exists():
            continue
        assessment = services.self_assessment_open(user=None, municipality=municipality, year=year)
        view = assessment_view(municipality=municipality, year=year)
        answers = {
            row.criterion.pk: {"accepted": [p.key for p in row.proposals]}
            for step in view.steps
            for row in step.criteria
        }
        services.answers_save(user=None, assessment=assessment, answers=answers)
        if state == "draft":
            continue
        coordinator = User.objects.get(username=f"coord_{code}")
        services.self_assessment_submit(user=coordinator, assessment=assessment)
        if state == "accept":
            services.self_assessment_review(
                user=User.objects.get(username="region"),
                assessment=assessment,
                accept=True,
                comment="Принято. Пробелы по выполнению мероприятий закрыть к следующему году.",
            )
