"""Demo risk profiles, curators, reviews, visits and partnerships of the seed municipalities,
made through the same services the pages use. Idempotent: what exists is left alone."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from opora.accounts.models import User
from opora.programs.models import Program
from opora.registry.models import School
from opora.risks.curatorship import curator_assign, visit_save
from opora.risks.models import (
    CuratorAssignment,
    Partnership,
    ProfileStatus,
    RiskProfile,
    Visit,
)
from opora.risks.partnerships import joint_plan_item_add, partnership_create
from opora.risks.planning import school_programs_create
from opora.risks.profiles import (
    profile_answers_save,
    profile_open,
    profile_priorities_save,
    profile_review,
    profile_submit,
)
from opora.risks.reviews import (
    review_comment_add,
    school_program_approve,
    school_program_return,
    school_program_submit,
)

DATA = Path(__file__).parent / "data" / "risks" / "risks.json"


def risks_demo_load() -> None:
    data = json.loads(DATA.read_text("utf-8"))
    users = {u.username: u for u in User.objects.all()}
    schools = {s.code: s for s in School.objects.all()}
    for item in data["assignments"]:
        _assign(item, users, schools)
    for item in data["profiles"]:
        _profile(item, users, schools)
    for item in data["programs"]:
        _programs(item, users, schools)
    for item in data["visits"]:
        _visit(item, users, schools)
    for item in data["partnerships"]:
        _partnership(item, users, schools)
    # The answers are invented (risks.json «_about»), and so are the school programs made from
    # them: they say «пример» wherever they are shown.
    for item in data["profiles"]:
        RiskProfile.objects.filter(school=schools[item["school"]], year=item["year"]).update(
            is_example=True
        )
    Program.objects.filter(risk_link__profile__is_example=True).update(is_example=True)


def _assign(item: dict, users: dict, schools: dict) -> None:
    school, curator = schools[item["school"]], users[item["curator"]]
    if CuratorAssignment.objects.filter(school=school, curator=curator).exists():
        return
    curator_assign(
        school=school,
        curator=curator,
        kind=item["kind"],
        user=users[item["by"]],
        today=datetime.date.fromisoformat(item["date"]),
    )


def _profile(item: dict, users: dict, schools: dict) -> None:
    school = schools[item["school"]]
    if RiskProfile.objects.filter(school=school, year=item["year"]).exists():
        return
    actor = users[item["actor"]]
    profile = profile_open(school=school, year=item["year"], user=actor)
    answers = {code: Decimal(str(value)) for code, value in item["answers"].items()}
    profile_answers_save(profile=profile, user=actor, answers=answers)
    profile_priorities_save(profile=profile, user=actor, factor_codes=item["priorities"])
    if item["status"] in (ProfileStatus.SUBMITTED, ProfileStatus.VERIFIED):
        profile_submit(profile=profile, user=actor)
    if item["status"] == ProfileStatus.VERIFIED:
        profile_review(
            profile=profile,
            user=users[item["reviewer"]],
            verified=True,
            today=datetime.date(item["year"] - 1, 10, 1),
        )


def _programs(item: dict, users: dict, schools: dict) -> None:
    profile = RiskProfile.objects.get(school=schools[item["school"]], year=item["year"])
    if profile.programs.exists():
        return
    actor, reviewer = users[item["actor"]], users[item["reviewer"]]
    school_programs_create(profile=profile, user=actor)
    for factor_code, steps in item["steps"].items():
        program = Program.objects.get(
            risk_link__profile=profile, risk_link__factor__code=factor_code
        )
        for step in steps:
            _step(program, step, actor=actor, reviewer=reviewer)


def _step(program: Program, step: list, *, actor: User, reviewer: User) -> None:
    action = step[0]
    if action == "submit":
        school_program_submit(program=program, user=actor)
    elif action == "comment":
        target, text = step[1], step[2]
        activity = program.activities.filter(number=target).first() if target.isdigit() else None
        review_comment_add(
            program=program,
            user=reviewer,
            text=text,
            field="" if activity else target,
            activity=activity,
        )
    elif action == "return":
        school_program_return(program=program, user=reviewer, note=step[1])
    elif action == "approve":
        school_program_approve(program=program, user=reviewer, note=step[1])


def _visit(item: dict, users: dict, schools: dict) -> None:
    school, curator = schools[item["school"]], users[item["curator"]]
    date = datetime.date.fromisoformat(item["date"])
    if Visit.objects.filter(school=school, curator=curator, date=date).exists():
        return
    visit_save(
        school=school,
        user=curator,
        kind=item["kind"],
        date=date,
        purpose=item["purpose"],
        findings=item["findings"],
        agreed_actions=item["agreed_actions"],
    )


def _partnership(item: dict, users: dict, schools: dict) -> None:
    leader, partner = schools[item["leader"]], schools[item["partner"]]
    if Partnership.objects.filter(leader=leader, partner=partner, year=item["year"]).exists():
        return
    user = users[item["by"]]
    partnership = partnership_create(
        leader=leader,
        partner=partner,
        year=item["year"],
        agreement=item["agreement"],
        support=item["support"],
        user=user,
    )
    for text, period, responsible in item["plan"]:
        joint_plan_item_add(
            partnership=partnership, user=user, text=text, period=period, responsible=responsible
        )
