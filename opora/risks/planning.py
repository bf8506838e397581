"""From the school's risk profile to its programs: which documents the priority factors call
for, each started from the factor's template. The programs themselves are written by the
programs app (opora.programs.school_programs); this module links them to the profile."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from opora.accounts.models import User
from opora.accounts.permissions import can_fill_risk_profile
from opora.programs.models import Program, ProgramKind
from opora.programs.school_programs import antirisk_program_create, overall_program_create
from opora.registry.years import academic_year_label
from opora.risks.models import ProgramTemplate, RiskFactor, RiskProfile, SchoolProgram


@transaction.atomic
def school_programs_create(*, profile: RiskProfile, user: User) -> list[Program]:
    """From the profile to the school's documents: a концепция развития and a среднесрочная
    программа развития, and one антирисковая программа per priority factor, each started from
    the factor's template. Documents already made from this profile are kept as they are."""
    if not can_fill_risk_profile(user, profile.school):
        raise PermissionDenied
    priorities = [
        row.factor
        for row in profile.factors.filter(is_priority=True).select_related("factor__template")
    ]
    if not priorities:
        raise ValidationError("Сначала выберите приоритетные факторы риска (не больше трёх).")
    links = profile.programs.select_related("program")
    made = {(link.program.kind, link.factor_id) for link in links}
    year_label = academic_year_label(profile.year)
    created = []
    for kind in (ProgramKind.CONCEPT, ProgramKind.MIDTERM):
        if (kind, None) not in made:
            program = overall_program_create(
                school=profile.school,
                year=profile.year,
                kind=kind,
                templates=[_template(f) for f in priorities],
                basis=f"Рисковый профиль школы за {year_label} учебный год; приоритетные факторы "
                f"риска: {'; '.join(f.title for f in priorities)}.",
                user=user,
            )
            SchoolProgram.objects.create(program=program, profile=profile)
            created.append(program)
    for factor in priorities:
        if (ProgramKind.ANTIRISK, factor.pk) not in made:
            level = profile.factors.get(factor=factor).get_level_display()
            program = antirisk_program_create(
                school=profile.school,
                year=profile.year,
                template=_template(factor),
                basis=f"Рисковый профиль школы за {year_label} учебный год: уровень риска "
                f"«{level}».",
                user=user,
            )
            SchoolProgram.objects.create(program=program, profile=profile, factor=factor)
            created.append(program)
    return created


def _template(factor: RiskFactor) -> ProgramTemplate:
    try:
        return factor.template
    except ProgramTemplate.DoesNotExist:
        # A factor added in the admin without a template still gets a program to fill in.
        return ProgramTemplate(factor=factor, goal=f"Преодолеть риск: {factor.title}.")
