"""Demo teachers, their diagnostics, ИОМ, courses, mentoring and events, and the students at risk
that seed 000 counts — from `data/staff/staff.json`; what comes from which seed and what is made
up is written in docs/demo-data.md. Idempotent: a second run changes nothing."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from opora.accounts.models import User
from opora.assessments.models import Subject
from opora.demo.now import demo_year
from opora.registry.models import Municipality, School
from opora.staff.models import (
    Course,
    CourseCompletion,
    Deficit,
    Diagnostic,
    MentoringPair,
    MethodicalAssociation,
    MethodicalEvent,
    Period,
    Route,
    RouteActivity,
    RouteReview,
    RouteTemplate,
    Teacher,
    Vacancy,
)
from opora.staff.services import at_risk_save, staffing_context_compute

DATA = Path(__file__).parent / "data" / "staff" / "staff.json"
# Who gives the reviews of the demo ИОМ (demo users of opora/demo/services.py).
REVIEWERS = {"methodist": "methodist_pirovskoe", "school": "school_barteneva"}


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def staff_demo_load() -> None:
    data = json.loads(DATA.read_text("utf-8"))
    municipalities = {m.code: m for m in Municipality.objects.all()}
    subjects = {s.code: s for s in Subject.objects.all()}
    deficits = {d.code: d for d in Deficit.objects.all()}
    courses = {}
    for item in data["courses"]:
        course, created = Course.objects.get_or_create(
            municipality=municipalities[item["municipality"]],
            title=item["title"],
            defaults={
                "provider": item["provider"],
                "hours": item["hours"],
                "starts_on": _date(item["starts_on"]),
                "ends_on": _date(item["ends_on"]),
            },
        )
        if created:
            course.deficits.set([deficits[c] for c in item["deficits"]])
        courses[course.title] = course
    for item in data["templates"]:
        template, created = RouteTemplate.objects.get_or_create(
            municipality=municipalities[item["municipality"]],
            title=item["title"],
            defaults={"activities": item["activities"]},
        )
        if created:
            template.deficits.set([deficits[c] for c in item["deficits"]])
    teachers = {}
    for code, school_data in data["schools"].items():
        school = School.objects.get(code=code)
        teachers.update(_load_school(school, school_data, subjects, deficits, courses))
    for item in data["associations"]:
        leader = teachers[tuple(item["leader"])] if item["leader"] else None
        MethodicalAssociation.objects.get_or_create(
            municipality=municipalities[item["municipality"]],
            name=item["name"],
            defaults={"subject": subjects.get(item["subject"]), "leader": leader},
        )
    for item in data["events"]:
        _load_event(item, municipalities, teachers)
    for code, rows in data["at_risk"].items():
        school = School.objects.get(code=code)
        for year, period, students, at_risk, with_plan in rows:
            at_risk_save(
                user=None,
                school=school,
                values={
                    "year": year,
                    "period": Period(period),
                    "grade": None,
                    "subject": None,
                    "students": students,
                    "at_risk": at_risk,
                    "with_plan": with_plan,
                    "improved": None,  # seed 000 does not say how many improved
                },
            )


def _load_school(school, data, subjects, deficits, courses) -> dict:
    teachers = {}
    for name, position, codes, category, age, workload, young in data["teachers"]:
        teacher, created = Teacher.objects.get_or_create(
            school=school,
            full_name=name,
            defaults={
                "position": position,
                "category": category,
                "age_band": age,
                "workload": Decimal(str(workload)),
                "is_young_specialist": young,
                "is_demo": True,
            },
        )
        if created:
            teacher.subjects.set([subjects[c] for c in codes])
        teachers[(school.code, name)] = teacher
    for position, rates in data["vacancies"]:
        Vacancy.objects.get_or_create(
            school=school, position=position, defaults={"rates": Decimal(str(rates))}
        )
    for name, date, subject, instrument, kind, score, found in data["diagnostics"]:
        diagnostic, created = Diagnostic.objects.get_or_create(
            teacher=teachers[(school.code, name)],
            taken_on=_date(date),
            subject=subjects[subject],
            instrument=instrument,
            defaults={"kind": kind, "score": Decimal(score)},
        )
        if created:
            diagnostic.deficits.set([deficits[c] for c in found])
    for item in data["routes"]:
        _load_route(teachers[(school.code, item["teacher"])], item, deficits, courses)
    for name, title, date in data["completions"]:
        CourseCompletion.objects.get_or_create(
            course=courses[title],
            teacher=teachers[(school.code, name)],
            defaults={"completed_on": _date(date)},
        )
    for mentor_school, mentor, mentee, starts in data["pairs"]:
        MentoringPair.objects.get_or_create(
            mentor=Teacher.objects.get(school__code=mentor_school, full_name=mentor),
            mentee=teachers[(school.code, mentee)],
            starts_on=_date(starts),
        )
    staffing_context_compute(school=school, year=demo_year(school.municipality))
    return teachers


def _load_route(teacher, item, deficits, courses) -> None:
    route, created = Route.objects.get_or_create(
        teacher=teacher, year=item["year"], defaults={"status": item["status"]}
    )
    if not created:
        return
    route.deficits.set([deficits[c] for c in item["deficits"]])
    for kind, title, course, starts, ends, done, evidence in item["activities"]:
        RouteActivity.objects.create(
            route=route,
            kind=kind,
            title=title,
            course=courses.get(course),
            starts_on=_date(starts),
            ends_on=_date(ends),
            completed_on=_date(done),
            evidence=evidence,
        )
    for role, verdict, comment in item["reviews"]:
        RouteReview.objects.create(
            route=route,
            role=role,
            verdict=verdict,
            comment=comment,
            reviewed_by=User.objects.get(username=REVIEWERS[role]),
        )


def _load_event(item, municipalities, teachers) -> None:
    municipality = municipalities[item["municipality"]]
    event, created = MethodicalEvent.objects.get_or_create(
        municipality=municipality,
        title=item["title"],
        held_on=_date(item["held_on"]),
        defaults={
            "kind": item["kind"],
            "host_school": School.objects.get(code=item["host_school"]),
            "association": MethodicalAssociation.objects.filter(
                municipality=municipality, name=item["association"]
            ).first(),
        },
    )
    if created:
        event.participants.set([teachers[tuple(p)] for p in item["participants"]])
