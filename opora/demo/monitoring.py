"""Demo monitoring: seed 000's year 2022/23 as its report tells it (the January 2023 indicator
campaign, the measures of tracks 1–3 with the coordinator's reasons, the published report), and
campaigns in different states in the other municipalities. Idempotent: what exists is kept."""

import datetime

from django.utils import timezone

from opora.accounts.models import Role, User
from opora.demo.now import demo_day, demo_year
from opora.meetings.models import Meeting
from opora.monitoring import services
from opora.monitoring.models import (
    AnnualReport,
    CampaignKind,
    CampaignStatus,
    EffectivenessRule,
    Measure,
    MonitoringCampaign,
)
from opora.programs.models import Indicator, IndicatorScope, IndicatorTarget, Program
from opora.registry.models import Municipality, Region, School

TRACK_1 = "Трек 1. Адресная поддержка школ с низкими образовательными результатами"
TRACK_2 = (
    "Трек 2. Организация работы со школами, функционирующими в зоне риска снижения "
    "образовательных результатов"
)
DAY = datetime.timedelta(days=1)
TRACK_3 = "Трек 3. Профилактика учебной неуспешности"
DIAGNOSTICS = (
    "Доля учителей русского языка и математики ШНОР, прошедших диагностику предметных и "
    "методических компетенций"
)
# Seed 000, «Заключение об эффективности принятых мер» and «Траектория развития»: the
# coordinator's own words, kept with the report.
CONCLUSIONS = {
    "effectiveness": (
        "Трек 1. Внедрение антикризисной управленческой модели через верификацию рисков, "
        "разработку и реализацию концепции развития и антирисковых программ позволяет ШНОР "
        "повысить образовательные результаты, при этом второй год работы по такой модели "
        "позволяет продолжить наращивание образовательных результатов. Для школьного "
        "коллектива характерны профессиональные дефициты в определении рисков снижения "
        "образовательных результатов и в объективности оценки достижений обучающихся. "
        "Остается актуальной проблема организации работы школьной ВСОКО.\n"
        "Трек 2. Меры по сопровождению школ, функционирующих в зоне риска снижения "
        "образовательных результатов, путем разработки и реализации Программ перехода школ в "
        "эффективный режим работы позволили школам внедрить антикризисную модель управления, "
        "что привело к положительной динамике образовательных результатов."
    ),
    "dynamics": (
        "Так же, как и в треке 1, рекомендуется обратить внимание на результаты ВПР: именно по "
        "этой оценочной процедуре обучающиеся часто неуспешны."
    ),
    "closing": (
        "1. Сохранить меры, направленные на сопровождение ШНОР посредством реализации "
        "антикризисной управленческой модели. Срок – до 1 сентября 2023 года.\n"
        "2. Запланировать поддерживающие мероприятия, в том числе единый муниципальный "
        "методический день. Срок – ноябрь 2023, февраль 2024 года (семинар-практикум "
        "«Объективное оценивание. ВСОКО»).\n"
        "3. Сохранить практику назначения муниципального координатора. Срок – до 1 августа "
        "2023 г.\n"
        "4. Усилить меры по активизации участия учителей ШНОР в диагностических процедурах; "
        "включить показатель охвата учителей диагностическими процедурами в перечень "
        "показателей эффективности деятельности руководителя ОО. Срок – до 1 августа 2023 года."
    ),
}


def load_monitoring() -> None:
    coordinator = User.objects.get(username="coord_ivanteevka")
    _ivanteevka(coordinator)
    _other_campaigns()


def _ivanteevka(coordinator: User) -> None:
    municipality = Municipality.objects.get(code="ivanteevka")
    program = Program.objects.get(municipality=municipality, kind="mppko", school__isnull=True)
    barteneva = School.objects.get(code="ivanteevka-01")
    diagnostics = _diagnostics_indicator(program, barteneva)
    indicators = {i.number: i for i in program.indicators.all()}
    if not MonitoringCampaign.objects.filter(municipality=municipality, year=2023).exists():
        by_school = {
            "ivanteevka-01": {diagnostics: "0"},
            "ivanteevka-05": {"3.2": "9", "3.3": "9", "3.4": "9"},
            "ivanteevka-06": {"3.2": "10", "3.3": "10", "3.4": "10"},
            "ivanteevka-07": {"3.3": "11", "3.4": "11"},
        }
        campaign = services.campaign_create(
            user=coordinator,
            municipality=municipality,
            title="Целевые показатели на январь 2023 г.",
            kind=CampaignKind.INDICATORS,
            year=2023,
            measured_on=datetime.date(2023, 1, 1),
            opens_on=datetime.date(2023, 1, 9),
            deadline=datetime.date(2023, 1, 31),
            indicators=[diagnostics]
            + [i for i in program.indicators.all() if i.scope == IndicatorScope.SCHOOL],
            schools=list(School.objects.filter(code__in=by_school).order_by("code")),
            status=CampaignStatus.OPEN,
        )
        for submission in campaign.submissions.select_related("school"):
            values = {
                (key.pk if isinstance(key, Indicator) else _school_indicator(
                    program, key, submission.school
                ).pk): (value, "")
                for key, value in by_school[submission.school.code].items()
            }  # fmt: skip
            services.submission_save(
                user=coordinator, submission=submission, values=values, answers={}, submit=True
            )
            services.submission_review(
                user=coordinator, submission=submission, accept=True, comment=""
            )
        services.campaign_status_change(
            user=coordinator, campaign=campaign, status=CampaignStatus.CLOSED
        )
    _measures(municipality, coordinator, diagnostics, indicators)
    report = services.report_open(user=coordinator, municipality=municipality, year=2023)
    if not report.conclusions:
        services.report_conclusions_save(user=coordinator, report=report, conclusions=CONCLUSIONS)
        # Decision 2 of protocol № 1 of 03.07.2023: publish the report on the УО's site.
        services.report_publish(user=coordinator, report=report, published=True)
        AnnualReport.objects.filter(pk=report.pk).update(
            published_at=timezone.make_aware(datetime.datetime(2023, 7, 3, 12, 0))
        )
    # The report is Приложение 1 to protocol № 1 of 03.07.2023, signed by its chair.
    AnnualReport.objects.filter(pk=report.pk).update(
        meeting=Meeting.objects.get(group__municipality=municipality, number=1),
        appendix_number=1,
        signer_position="Муниципальный координатор",
        signer_name="О.В. Астраханцева",
    )


def _diagnostics_indicator(program: Program, school: School) -> Indicator:
    """Seed 000 measures track 1's diagnostics measure in words («учителя русского языка и
    математики не принимали участие в диагностике»): as an indicator, 0 % against the aim of
    all of them."""
    indicator, created = Indicator.objects.get_or_create(
        program=program,
        number="1.1",
        name=DIAGNOSTICS,
        defaults={
            "section": TRACK_1,
            "unit": "percent",
            "scope": IndicatorScope.SCHOOL,
            "school": school,
            "higher_is_better": True,
            "note": "Из текста отчёта: «учителя русского языка и математике не принимали участие "
            "в диагностике». Цель — все учителя этих предметов (мера рекомендовала диагностику).",
            "position": 0,
        },
    )
    if created:
        IndicatorTarget.objects.create(indicator=indicator, year=2023, value="100")
    return indicator


def _school_indicator(program: Program, number: str, school: School) -> Indicator:
    return program.indicators.get(number=number, school=school)


def _measures(municipality, coordinator, diagnostics, indicators) -> None:
    if Measure.objects.filter(municipality=municipality, year=2023).exists():
        return
    twos = EffectivenessRule.objects.get(code="twos-fell", version=1)
    achieved = EffectivenessRule.objects.get(code="indicators-achieved", version=1)
    # Track 2's conclusion («привело к положительной динамике») reads a fall of доля «2» in two
    # assessments as enough: the region's own rule says so.
    region_rule = services.rule_save(
        user=None,
        code="twos-fell-2",
        title="Доля «2» снизилась хотя бы в двух процедурах (зона риска)",
        params={
            "results": {"kinds": ["VPR", "OGE"], "min_fewer_twos": 2, "max_twos": 30},
        },
        source="Вывод трека 2 отчёта seed 000 (Ивантеевский район, 2022/23)",
        region=Region.objects.get(name="Саратовская область"),
    )
    schools = {s.code: s for s in School.objects.filter(municipality=municipality)}
    track_1 = [schools["ivanteevka-01"]]
    track_2 = [schools[c] for c in ("ivanteevka-02", "ivanteevka-03", "ivanteevka-04")]
    track_3 = [schools[c] for c in ("ivanteevka-05", "ivanteevka-06", "ivanteevka-07")]
    program = diagnostics.program
    prevention = list(program.indicators.filter(number__in=["3.2", "3.3", "3.4"]))
    measures = [
        (TRACK_1, "Внедрение антикризисной управленческой модели посредством разработки "
         "концепции развития и антирисковых программ на основе результатов комплексной "
         "диагностики в ШНОР", track_1, [], twos,
         "Школа, охваченная в 2021-2023 гг. сопровождением, хотя и не вышла из списка ШНОР, "
         "начинает демонстрировать положительную динамику образовательных результатов. "
         "Внедрение антикризисной управленческой модели эффективно и полезно."),
        (TRACK_1, "Направление учителей на диагностику предметных и методических "
         "компетентностей", track_1, [diagnostics], achieved,
         "Мера оказалась неэффективной, так как носила рекомендательный характер: по "
         "распоряжению Минпросвещения России от 27.08.2021 № Р-201 участие в диагностике "
         "профессиональных дефицитов добровольное, по личному заявлению. Основную часть "
         "направленных составили учителя начальных классов, учителя русского языка и "
         "математики в диагностике не участвовали. Необходимо спланировать обязательное "
         "прохождение диагностики учителями математики и русского языка при низких "
         "результатах по этим предметам."),
        (TRACK_1, "Закрепление за школой куратора из числа администрации школ, демонстрирующих "
         "высокие результаты обучения", track_1, [], twos,
         "Сотрудничество с куратором полезно для развития ШНОР, что подтверждают результаты "
         "опроса директоров."),
        (TRACK_2, "Разработка и реализация Программ перехода школ в эффективный режим работы "
         "(ППЭРР)", track_2, [indicators["2.1"]], region_rule,
         "Во всех ОУ разработаны и реализуются программы перехода в эффективный режим работы; "
         "школы внедрили антикризисную модель управления."),
        (TRACK_2, "Создание на базе школ образовательных центров «Точка роста»", track_2,
         [indicators["2.2"]], region_rule,
         "Центры позволили вовлекать учащихся и педагогов в проектную деятельность и отработать "
         "реализацию образовательных программ в сетевой форме."),
        (TRACK_3, "Разработка и реализация школьных программ профилактики учебной неуспешности "
         "и индивидуальных образовательных маршрутов", track_3, prevention, achieved,
         "Отчёт вывода об эффективности по треку 3 не делает; доля обучающихся, нуждающихся в "
         "адресной поддержке, снизилась (13 → 9 %, 17 → 10 %), но целевые значения не заданы."),
    ]  # fmt: skip
    for position, (track, text, addressed, measured_by, rule, conclusion) in enumerate(measures):
        measure = services.measure_save(
            user=coordinator,
            municipality=municipality,
            year=2023,
            text=text,
            track=track,
            schools=addressed,
            indicators=measured_by,
            rule=rule,
            conclusion=conclusion,
        )
        Measure.objects.filter(pk=measure.pk).update(position=position)


def _other_campaigns() -> None:
    """One campaign per municipality, each in another state, with deadlines around the day the
    municipality's demo stands at (opora/demo/now.py)."""
    week = 7 * DAY
    states = [
        # code, title, kind, status, opens and deadline (from the demo's day), questions
        ("terbuny", "Ежемесячный информационный запрос о реализации мероприятия 21",
         CampaignKind.REQUEST, CampaignStatus.OPEN, -week, 3 * DAY,
         ["Какие мероприятия программы проведены за месяц?",
          "Сколько педагогов прошли курсы повышения квалификации за месяц?"]),
        ("svobodny", "Сведения о выполнении дорожной карты за полугодие", CampaignKind.REQUEST,
         CampaignStatus.OPEN, -3 * week, -2 * DAY,
         ["Какие мероприятия дорожной карты выполнены?", "Что мешает выполнению?"]),
        ("pirovskoe", "МСОКО: результаты оценочных процедур учебного года", CampaignKind.MSOKO,
         CampaignStatus.DRAFT, 4 * week, 6 * week,
         ["Подтвердите, что результаты всех процедур загружены, или перечислите недостающие."]),
        ("tyumen", "Сведения о работе с ШНОР за первое полугодие", CampaignKind.REQUEST,
         CampaignStatus.CLOSED, -8 * week, -6 * week,
         ["Какие меры адресной поддержки реализованы?"]),
    ]  # fmt: skip
    for code, title, kind, status, opens, deadline, questions in states:
        municipality = Municipality.objects.get(code=code)
        day = demo_day(municipality)
        opens, deadline = day + opens, day + deadline
        if MonitoringCampaign.objects.filter(municipality=municipality, title=title).exists():
            continue
        coordinator = User.objects.get(role=Role.COORDINATOR, municipality=municipality)
        campaign = services.campaign_create(
            user=coordinator,
            municipality=municipality,
            title=title,
            kind=kind,
            year=demo_year(municipality),
            measured_on=opens,
            opens_on=opens,
            deadline=deadline,
            questions=questions,
            status=CampaignStatus.OPEN,
        )
        submissions = list(campaign.submissions.order_by("school__code"))
        answered = submissions if status == CampaignStatus.CLOSED else submissions[:2]
        if status == CampaignStatus.DRAFT:
            answered = []
        for index, submission in enumerate(answered):
            answers = {
                q: ("Сведения представлены в приложении к письму школы.", "") for q in questions
            }
            services.submission_save(
                user=coordinator, submission=submission, values={}, answers=answers, submit=True
            )
            if status == CampaignStatus.CLOSED or index == 0:
                services.submission_review(
                    user=coordinator, submission=submission, accept=True, comment=""
                )
            else:
                services.submission_review(
                    user=coordinator,
                    submission=submission,
                    accept=False,
                    comment="Укажите даты мероприятий и приложите ссылку на приказ школы.",
                )
        if status != CampaignStatus.OPEN:
            services.campaign_status_change(user=coordinator, campaign=campaign, status=status)
