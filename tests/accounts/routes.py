"""Every route of Opora and who may use it: the table the route matrix checks on the demo.

Each row: route name → the objects its URL is built from → who may GET it and who may POST.
A role gets 200 on a route it may use, for an object it sees; 403 where it sees the object but
lacks the right; 404 where it does not see the object (so nothing about it leaks). Anonymous
visitors are sent to the login page (the API answers 401). Roles are those of README.md and
opora/accounts/permissions.py: the region and the coordinator manage their territory, the
curator reviews its schools, the school team writes its own school's data, the methodist reads
its municipality and runs methodical work, the observer only reads.

Not checked here: /admin/ (Django's own staff-only site, closed to every role: see
`test_admin_is_closed_to_every_role`) and static files (no route: served by the web server).
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model

from opora.accounts.models import User
from opora.api.services import token_issue
from opora.assessments.models import ResultImportJob
from opora.identification.models import IdentificationRun, RuleSet
from opora.identification.services import warning_run_create
from opora.meetings.models import Decision, Meeting, Member, ProtocolRevision, WorkingGroup
from opora.monitoring.models import AnnualReport, Measure, MonitoringCampaign, Submission
from opora.programs.models import Activity, Indicator, Order, Program
from opora.registry.models import Municipality, School
from opora.risks.models import CuratorAssignment, JointPlanItem, Notification, Partnership
from opora.selfassessment.models import Answer, CriteriaSet
from opora.staff.models import (
    Course,
    MethodicalAssociation,
    MethodicalEvent,
    RouteActivity,
    Teacher,
    Vacancy,
)
from opora.staff.models import (
    Route as TeacherRoute,
)
from tests.accounts.matrix import (
    COORD_I,
    COORD_P,
    COORDINATORS,
    CURATOR_P,
    EVERYONE,
    MANAGERS,
    METHODICAL,
    METHODIST_P,
    OBSERVER_S,
    REGION,
    REVIEWERS,
    SCHOOL_B,
    SCHOOL_WRITERS,
    Objects,
    Route,
)

UNCHECKED = ("admin/",)  # paths the matrix leaves out (see the module's docstring)


def first(model: type[Model], **lookup) -> Model:
    return model.objects.filter(**lookup).order_by("pk").first()


def copy(obj: Model, **changes) -> Model:
    """The same row again with some fields changed: an object the demo has only elsewhere."""
    obj.pk = obj.id = None
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


# --- The objects: Pirovskoe's (inside) and Ивантеевка's (outside) ---------------------------------

SCHOOL = Objects(lambda: {"code": "pirovskoe-01"}, lambda: {"code": "ivanteevka-01"})
MUNICIPALITY = Objects(lambda: {"code": "pirovskoe"}, lambda: {"code": "ivanteevka"})
PROFILE = Objects(
    lambda: {"code": "pirovskoe-01", "year": 2023}, lambda: {"code": "ivanteevka-01", "year": 2024}
)


def pk_of(model, **lookup):
    return lambda: {"pk": first(model, **lookup).pk}


def by_municipality(model, path="municipality", **extra) -> Objects:
    return Objects(
        pk_of(model, **{f"{path}__code": "pirovskoe"}, **extra),
        pk_of(model, **{f"{path}__code": "ivanteevka"}, **extra),
    )


def by_school(model, path="school", **extra) -> Objects:
    return Objects(
        pk_of(model, **{f"{path}__code": "pirovskoe-01"}, **extra),
        pk_of(model, **{f"{path}__code": "ivanteevka-01"}, **extra),
    )


MUNICIPAL_PROGRAM = by_municipality(Program, school__isnull=True)
SCHOOL_PROGRAM = by_school(Program)
INDICATOR = by_municipality(Indicator, "program__municipality", school__isnull=True)
ACTIVITY = by_municipality(Activity, "program__municipality", program__school__isnull=True)
ORDER = by_municipality(Order)
ISSUED_ORDER = by_municipality(
    Order, programs__isnull=False
)  # an act it only cites exports as nothing


def with_file(objects: Objects, model: type[Model], field: str) -> Objects:
    """The same objects, each with a file attached (the demo's have none)."""

    def attach(build):
        def built():
            args = build()
            stored = getattr(model.objects.get(pk=args["pk"]), field)
            stored.save("scan.pdf", ContentFile(b"%PDF-1.4 scan"))
            return args

        return built

    return Objects(
        attach(objects.inside), attach(objects.outside), objects.seen_inside, objects.seen_outside
    )


RUN = by_municipality(IdentificationRun, rule_set__code="shnor-fioco")
CAMPAIGN = by_municipality(MonitoringCampaign)
SUBMISSION = by_school(Submission)
CURATOR_ASSIGNMENT = by_school(CuratorAssignment)
TEACHER = by_school(Teacher)
VACANCY = by_school(Vacancy)
TEACHER_ROUTE = by_school(TeacherRoute, "teacher__school")
ROUTE_ACTIVITY = by_school(RouteActivity, "route__teacher__school")
COURSE = by_municipality(Course)

# The working group: its municipality's region, coordinator, methodist and observer, and its
# members (curator_pirovskoe sits in Pirovskoe's group); a school team is not in Ивантеевка's.
GROUP_SEEN_INSIDE = frozenset({COORD_P, CURATOR_P, METHODIST_P})
GROUP_SEEN_OUTSIDE = frozenset({REGION, COORD_I})
GROUP = Objects(
    pk_of(WorkingGroup, municipality__code="pirovskoe"),
    pk_of(WorkingGroup, municipality__code="ivanteevka"),
    GROUP_SEEN_INSIDE,
    GROUP_SEEN_OUTSIDE,
)


def member(code):
    found = first(Member, group__municipality__code=code, account__isnull=True)
    return {"pk": found.group_id, "member_pk": found.pk}


MEMBER = Objects(
    lambda: member("pirovskoe"), lambda: member("ivanteevka"), GROUP_SEEN_INSIDE, GROUP_SEEN_OUTSIDE
)


def decision(code: str) -> Decision:
    """Ивантеевка's demo protocol has decisions; Pirovskoe's group gets the same meeting."""
    if code == "ivanteevka":
        return first(Decision, item__meeting__group__municipality__code=code, schools__isnull=False)
    original = first(Decision, item__meeting__group__municipality__code="ivanteevka")
    item = original.item
    meeting = copy(item.meeting, group=WorkingGroup.objects.get(municipality__code=code))
    return copy(original, item=copy(item, meeting=meeting))


def meeting_args(code):
    found = decision(code)
    return {"pk": found.item.meeting_id, "item_pk": found.item_id, "decision_pk": found.pk}


def meeting_only(code):
    return {"pk": meeting_args(code)["pk"]}


def item_only(code):
    args = meeting_args(code)
    return {"pk": args["pk"], "item_pk": args["item_pk"]}


MEETING = Objects(
    lambda: meeting_only("pirovskoe"),
    lambda: meeting_only("ivanteevka"),
    GROUP_SEEN_INSIDE,
    GROUP_SEEN_OUTSIDE,
)
ITEM = Objects(
    lambda: item_only("pirovskoe"),
    lambda: item_only("ivanteevka"),
    GROUP_SEEN_INSIDE,
    GROUP_SEEN_OUTSIDE,
)
ITEM_DECISION = Objects(
    lambda: meeting_args("pirovskoe"),
    lambda: meeting_args("ivanteevka"),
    GROUP_SEEN_INSIDE,
    GROUP_SEEN_OUTSIDE,
)
# A decision that concerns every school of Ивантеевка: Бартеневка's team sees it too.
DECISION = Objects(
    lambda: {"pk": decision("pirovskoe").pk},
    lambda: {"pk": decision("ivanteevka").pk},
    GROUP_SEEN_INSIDE,
    GROUP_SEEN_OUTSIDE | {SCHOOL_B},
)
API_DECISION = Objects(
    lambda: {"decision_id": decision("pirovskoe").pk},
    lambda: {"decision_id": decision("ivanteevka").pk},
    GROUP_SEEN_INSIDE,
    GROUP_SEEN_OUTSIDE | {SCHOOL_B},
)


def revision(code):
    meeting = Meeting.objects.get(pk=meeting_only(code)["pk"])
    if not meeting.revisions.exists():
        copy(first(ProtocolRevision), meeting=meeting)
    return {"pk": meeting.pk, "revision": meeting.revisions.get().number}


REVISION = Objects(
    lambda: revision("pirovskoe"),
    lambda: revision("ivanteevka"),
    GROUP_SEEN_INSIDE,
    GROUP_SEEN_OUTSIDE,
)


def measure(code):
    found = first(Measure, municipality__code=code) or copy(
        first(Measure, municipality__code="ivanteevka"), municipality=municipality(code)
    )
    return {"pk": found.pk}


MEASURE = Objects(lambda: measure("pirovskoe"), lambda: measure("ivanteevka"))


def report(code):
    found = first(AnnualReport, municipality__code=code) or copy(
        first(AnnualReport, municipality__code="ivanteevka"), municipality=municipality(code)
    )
    return {"pk": found.pk}


REPORT = Objects(lambda: report("pirovskoe"), lambda: report("ivanteevka"))


def whole_municipality(objects: Objects) -> Objects:
    """A municipality's summary (all its schools on one page): the region, its coordinator,
    methodist and observer see it; a school team or a curator sees only some of its schools, so
    gets none (`sees_whole_municipality`)."""
    return Objects(
        objects.inside,
        objects.outside,
        frozenset({COORD_P, METHODIST_P}),
        frozenset({REGION, COORD_I}),
    )


def report_page(code):
    """The page of a year that has a report (Ивантеевка's 2023 of the demo; a copy in Pirovskoe)."""
    report(code)
    return {"code": code, "year": 2023}


REPORT_PAGE = whole_municipality(
    Objects(lambda: report_page("pirovskoe"), lambda: report_page("ivanteevka"))
)
PUBLIC_REPORT = Objects(
    lambda: {"code": "pirovskoe", **report("pirovskoe")},
    lambda: {"code": "ivanteevka", **report("ivanteevka")},
)


def partnership(code):
    found = first(Partnership, partner__code=code) or copy(
        first(Partnership, partner__code="ivanteevka-01"),
        partner=School.objects.get(code=code),
        leader=School.objects.get(code="pirovskoe-03"),
    )
    return found


PARTNERSHIP = Objects(
    lambda: {"pk": partnership("pirovskoe-01").pk},
    lambda: {"pk": partnership("ivanteevka-01").pk},
)


def plan_item(code):
    found = partnership(code)
    item = first(JointPlanItem, partnership=found) or copy(
        first(JointPlanItem, partnership__partner__code="ivanteevka-01"), partnership=found
    )
    return {"pk": item.pk}


PLAN_ITEM = Objects(lambda: plan_item("pirovskoe-01"), lambda: plan_item("ivanteevka-01"))

# A notification is its addressee's alone.
NOTIFICATION = Objects(
    pk_of(Notification, user__username=CURATOR_P),
    pk_of(Notification, user__username=SCHOOL_B),
    frozenset({CURATOR_P}),
    frozenset({SCHOOL_B}),
)


# The demo's self-assessments: Pirovskoe's of 2021/22, Ивантеевка's of 2022/23 (a municipality's
# whole: its coordinator, methodist and observer, and its region). The criteria are everyone's.
SELF_ASSESSMENT = whole_municipality(
    Objects(
        lambda: {"code": "pirovskoe", "year": 2022}, lambda: {"code": "ivanteevka", "year": 2023}
    )
)


def answer_file(code):
    answer = first(Answer, assessment__municipality__code=code)
    answer.file.save("scan.pdf", ContentFile(b"%PDF-1.4 scan"))
    return {"pk": answer.pk}


ANSWER_FILE = whole_municipality(
    Objects(lambda: answer_file("pirovskoe"), lambda: answer_file("ivanteevka"))
)
BUILT_IN_CRITERIA = Objects(
    pk_of(CriteriaSet, region__isnull=True),
    pk_of(CriteriaSet, region__isnull=True),
    EVERYONE,
    EVERYONE,
)


def elsewhere(model, code):
    """Pirovskoe's object of `model`, copied into Ивантеевка, which the demo gives none."""

    def build():
        found = first(model, municipality__code=code) or copy(
            first(model, municipality__code="pirovskoe"), municipality=municipality(code)
        )
        return {"pk": found.pk}

    return build


ASSOCIATION = Objects(
    elsewhere(MethodicalAssociation, "pirovskoe"), elsewhere(MethodicalAssociation, "ivanteevka")
)
EVENT = Objects(elsewhere(MethodicalEvent, "pirovskoe"), elsewhere(MethodicalEvent, "ivanteevka"))


def warning_run(code):
    place = municipality(code)
    run = warning_run_create(
        user=None,
        rule_set=RuleSet.objects.get(code="shnor-fioco"),
        year=2023,
        region=place.region,
        municipality=place,
    )
    return {"pk": run.pk}


WARNING_RUN = Objects(lambda: warning_run("pirovskoe"), lambda: warning_run("ivanteevka"))


def import_job(username):
    job = ResultImportJob.objects.create(
        created_by=User.objects.get(username=username), filename="results.csv", status="done"
    )
    return {"pk": job.pk}


# A result upload is its uploader's: another user may not follow it.
IMPORT_JOB = Objects(
    lambda: import_job(COORD_P),
    lambda: import_job(COORD_I),
    frozenset({COORD_P}),
    frozenset({COORD_I}),
)


def api_token(username):
    token, _ = token_issue(user=User.objects.get(username=username), name="чужой ключ")
    return {"pk": token.pk}


API_TOKEN = Objects(
    lambda: api_token(COORD_P),
    lambda: api_token(COORD_I),
    frozenset({COORD_P}),
    frozenset({COORD_I}),
)


# An account of Pirovskoe (its methodist) and of Ивантеевка (Бартеневка's school team): seen, on
# the page «Пользователи», by those who manage the accounts of its territory.
ACCOUNT = Objects(
    lambda: {"pk": User.objects.get(username=METHODIST_P).pk},
    lambda: {"pk": User.objects.get(username=SCHOOL_B).pk},
    frozenset({COORD_P}),
    frozenset({REGION, COORD_I}),
)
SPENT_LINK = {"uidb64": "MQ", "token": "set-password"}  # no token in the session: not valid


def api(objects: Objects, name: str) -> Objects:
    """The same objects under the API's name of the argument."""
    return Objects(
        lambda: {name: objects.inside()["pk"]},
        lambda: {name: objects.outside()["pk"]},
        objects.seen_inside,
        objects.seen_outside,
    )


def result_file() -> dict:
    content = (
        "school_code,year,assessment,subject,grade,participants,mark_2,mark_3,mark_4,mark_5\n"
        "pirovskoe-01,2023,ВПР,rus,5,10,10,0,0,0\n"
    )
    return {"file": SimpleUploadedFile("results.csv", content.encode(), "text/csv")}


# --- The table -------------------------------------------------------------------------------------

ROUTES = [
    # Accounts: the login page is public; everyone changes their own password.
    Route("home"),
    # A blank file of an import holds no data: everyone who logs in may have it.
    Route("import_template", kwargs={"name": "results-school", "suffix": "xlsx"}),
    Route("accounts:login", public=True),  # POST: anyone may try to log in
    Route("accounts:logout", get=None, public=True),  # POST only; logs out whoever asks
    Route("accounts:password_change", post=EVERYONE),
    Route("accounts:password_changed"),
    # The academic year in the header: each role picks its own (POST only).
    Route("accounts:year_choose", get=None, post=EVERYONE),
    # Django's password reset and the invitation link: public; a spent link shows «не действует».
    Route("accounts:password_reset", public=True),  # POST: anyone may ask for a letter
    Route("accounts:password_reset_done", public=True),
    Route("accounts:password_reset_confirm", public=True, kwargs=SPENT_LINK),
    Route("accounts:password_reset_complete", public=True),
    Route("accounts:invitation_accept", public=True, kwargs=SPENT_LINK),
    # The accounts of a territory (page «Пользователи»): the region's operator, the coordinators.
    Route("accounts:user_list", get=MANAGERS),
    Route("accounts:user_invite", get=MANAGERS, post=MANAGERS),
    Route("accounts:user_edit", ACCOUNT, get=MANAGERS, post=MANAGERS),
    Route("accounts:user_deactivate", ACCOUNT, get=None, post=MANAGERS),
    Route("accounts:user_activate", ACCOUNT, get=None, post=MANAGERS),
    Route("accounts:user_password_link", ACCOUNT, get=None, post=MANAGERS),
    Route("api_keys:token_list", post=EVERYONE),
    Route("api_keys:token_revoke", API_TOKEN, get=None, post=EVERYONE),
    # Registry
    Route("registry:school_list"),
    Route("registry:municipality_list"),
    Route("registry:registry_import", get=MANAGERS, post=MANAGERS),
    Route("registry:school_detail", SCHOOL),
    Route("registry:school_edit", SCHOOL, get=SCHOOL_WRITERS, post=SCHOOL_WRITERS),
    Route(
        "registry:school_context_edit",
        SCHOOL,
        get=SCHOOL_WRITERS,
        post=SCHOOL_WRITERS,
        kwargs={"year": 2023},
    ),
    # Assessments
    Route("assessments:results_table"),
    Route("assessments:results_import", get=MANAGERS, post=MANAGERS),
    Route("assessments:import_job", IMPORT_JOB),
    # «Загрузить» under a preview: only its uploader; others do not see the upload (404).
    Route("assessments:import_confirm", IMPORT_JOB, get=None, post=frozenset({COORD_P, COORD_I})),
    Route("assessments:school_results", SCHOOL),
    # Identification: the region and the coordinators run it; everyone in scope reads the lists.
    Route("identification:index"),
    Route("identification:try", get=MANAGERS, post=MANAGERS),
    Route("identification:run_detail", RUN),
    Route("identification:run_approve", RUN, get=None, post=MANAGERS),
    Route("identification:run_export", RUN),
    Route("identification:risk_group", post=MANAGERS),
    Route("identification:risk_group_run", WARNING_RUN),
    Route("identification:risk_group_export", WARNING_RUN, kwargs={"fmt": "csv"}),
    Route("identification:school_fair_change", SCHOOL),
    # Programs
    Route("programs:program_list"),
    Route("programs:my_activities"),
    Route("programs:order_list"),
    Route("programs:order_file", with_file(ORDER, Order, "file")),
    Route("programs:order_export", ISSUED_ORDER, kwargs={"file_format": "docx"}),
    Route("programs:order_create", get=MANAGERS, post=MANAGERS),
    Route("programs:order_edit", ORDER, get=MANAGERS, post=MANAGERS),
    Route("programs:program_detail", MUNICIPAL_PROGRAM),
    Route("programs:program_export", MUNICIPAL_PROGRAM, kwargs={"file_format": "xlsx"}),
    Route("programs:program_import", MUNICIPAL_PROGRAM, get=None, post=MANAGERS),
    Route("programs:program_status", MUNICIPAL_PROGRAM, get=None, post=MANAGERS),
    Route("programs:program_passport", MUNICIPAL_PROGRAM, get=MANAGERS, post=MANAGERS),
    Route("programs:program_create", get=SCHOOL_WRITERS, post=SCHOOL_WRITERS),
    Route("programs:program_copy", MUNICIPAL_PROGRAM, get=MANAGERS, post=MANAGERS),
    Route("programs:indicator_detail", INDICATOR, post=MANAGERS),
    Route("programs:indicator_source", INDICATOR, get=None, post=MANAGERS),
    Route("programs:indicator_compute", INDICATOR, get=None, post=MANAGERS),
    Route("programs:activity_detail", ACTIVITY, post=MANAGERS),
    Route("programs:activity_evidence", with_file(ACTIVITY, Activity, "evidence_file")),
    # Meetings: the coordinator keeps its group (the region reads it); members read it.
    Route("meetings:group_list"),
    Route("meetings:group_create", get=COORDINATORS, post=COORDINATORS),
    Route("meetings:group_detail", GROUP),
    Route("meetings:group_edit", GROUP, get=COORDINATORS, post=COORDINATORS),
    Route("meetings:member_add", GROUP, get=COORDINATORS, post=COORDINATORS),
    Route("meetings:member_edit", MEMBER, get=COORDINATORS, post=COORDINATORS),
    Route("meetings:meeting_create", GROUP, get=COORDINATORS, post=COORDINATORS),
    Route("meetings:decision_list"),
    Route("meetings:decision_detail", DECISION, post=COORDINATORS),
    Route("meetings:meeting_detail", MEETING),
    Route("meetings:meeting_edit", MEETING, get=COORDINATORS, post=COORDINATORS),
    Route("meetings:attendance_edit", MEETING, get=COORDINATORS, post=COORDINATORS),
    Route("meetings:item_add", MEETING, get=COORDINATORS, post=COORDINATORS),
    Route("meetings:item_edit", ITEM, get=COORDINATORS, post=COORDINATORS),
    Route("meetings:item_delete", ITEM, get=None, post=COORDINATORS),
    Route("meetings:decision_add", ITEM, get=COORDINATORS, post=COORDINATORS),
    Route("meetings:decision_edit", ITEM_DECISION, get=COORDINATORS, post=COORDINATORS),
    Route("meetings:decision_delete", ITEM_DECISION, get=None, post=COORDINATORS),
    Route("meetings:meeting_finalise", MEETING, get=None, post=COORDINATORS),
    Route("meetings:meeting_revise", MEETING, get=None, post=COORDINATORS),
    Route("meetings:protocol_export", MEETING, kwargs={"file_format": "docx"}),
    Route("meetings:revision_export", REVISION, kwargs={"file_format": "docx"}),
    # Monitoring
    Route("monitoring:index"),
    # The region's dashboard, also for an observer (its own territory's lines); others: no such page.
    Route(
        "monitoring:region_dashboard",
        get=frozenset({REGION, OBSERVER_S}),
        overrides={COORD_P: 404, COORD_I: 404, CURATOR_P: 404, SCHOOL_B: 404, METHODIST_P: 404},
    ),
    Route("monitoring:campaign_detail", CAMPAIGN, post=MANAGERS),
    Route("monitoring:submission_detail", SUBMISSION, post=SCHOOL_WRITERS),
    Route("monitoring:measure_detail", whole_municipality(MEASURE), post=MANAGERS),
    Route("monitoring:report_export", REPORT, kwargs={"file_format": "xlsx"}),
    Route("monitoring:dashboard", whole_municipality(MUNICIPALITY)),
    Route("monitoring:campaign_create", MUNICIPALITY, get=MANAGERS, post=MANAGERS),
    Route("monitoring:dynamics", whole_municipality(MUNICIPALITY)),
    Route("monitoring:effectiveness", whole_municipality(MUNICIPALITY), post=MANAGERS),
    Route("monitoring:report_page", REPORT_PAGE, post=MANAGERS),
    Route("monitoring:public", MUNICIPALITY, public=True),
    Route("monitoring:public_report", PUBLIC_REPORT, public=True),
    # Self-assessment: the coordinator writes and submits it, the region returns or accepts it
    # (and adapts the criteria in its own version); the built-in criteria nobody changes.
    Route("selfassessment:index"),
    Route("selfassessment:table_export"),
    Route("selfassessment:criteria", post=frozenset({REGION})),
    Route("selfassessment:criteria_set", BUILT_IN_CRITERIA, post=frozenset()),
    Route("selfassessment:answer_file", ANSWER_FILE),
    Route("selfassessment:detail", SELF_ASSESSMENT, post=MANAGERS),
    Route("selfassessment:export", SELF_ASSESSMENT, kwargs={"file_format": "docx"}),
    # Risks: the school fills its profile and programs, its curator and municipality review them.
    Route("risks:index", overrides={SCHOOL_B: 302}),  # a school team: to its own school
    Route("risks:notifications"),
    Route("risks:notification_open", NOTIFICATION, get_status=302),  # on to what it is about
    Route("risks:curators", get=MANAGERS, post=MANAGERS),
    Route("risks:curator_unassign", CURATOR_ASSIGNMENT, get=None, post=MANAGERS),
    Route("risks:partnerships", post=MANAGERS),
    Route("risks:partnership", PARTNERSHIP, post=REVIEWERS),
    Route("risks:plan_item_done", PLAN_ITEM, get=None, post=REVIEWERS),
    Route("risks:program_work", SCHOOL_PROGRAM, post=SCHOOL_WRITERS),
    Route(
        "risks:program_action",
        SCHOOL_PROGRAM,
        get=None,
        post=SCHOOL_WRITERS,
        kwargs={"action": "submit"},
    ),
    Route("risks:school", SCHOOL),
    Route("risks:profile_open", SCHOOL, get=None, post=SCHOOL_WRITERS),
    Route("risks:visit_add", SCHOOL, get=None, post=REVIEWERS),
    Route("risks:profile", PROFILE, post=SCHOOL_WRITERS),
    Route(
        "risks:profile_action",
        PROFILE,
        get=None,
        post=REVIEWERS,
        kwargs={"action": "verify"},
    ),
    Route("risks:profile_export", PROFILE, kwargs={"file_format": "docx"}),
    # Staff: a school's team and its municipality keep its teachers; the methodist runs
    # methodical work; curators and observers read.
    Route("staff:overview"),
    Route("staff:deficits"),
    Route("staff:summary_export", whole_municipality(MUNICIPALITY), kwargs={"file_format": "xlsx"}),
    Route("staff:closure"),
    # The teacher's pages hold several forms; a write names its form (the methodist's review and
    # diagnostics are its own forms).
    Route(
        "staff:route_detail",
        TEACHER_ROUTE,
        post=SCHOOL_WRITERS,
        data=lambda: {"route-status": "active"},
    ),
    Route("staff:route_activity_edit", ROUTE_ACTIVITY, get=SCHOOL_WRITERS, post=SCHOOL_WRITERS),
    Route("staff:templates", post=METHODICAL),
    Route("staff:teachers_import", get=SCHOOL_WRITERS, post=SCHOOL_WRITERS),
    Route("staff:diagnostics_import", get=METHODICAL | {SCHOOL_B}, post=METHODICAL | {SCHOOL_B}),
    Route("staff:school_teachers", SCHOOL, post=SCHOOL_WRITERS),
    Route("staff:school_at_risk", SCHOOL, post=SCHOOL_WRITERS),
    Route("staff:vacancy_delete", VACANCY, get=None, post=SCHOOL_WRITERS),
    Route(
        "staff:teacher_detail", TEACHER, post=SCHOOL_WRITERS, data=lambda: {"route-year": "2030"}
    ),
    Route("staff:teacher_edit", TEACHER, get=SCHOOL_WRITERS, post=SCHOOL_WRITERS),
    Route("staff:course_list", post=METHODICAL),
    Route("staff:course_detail", COURSE, post=METHODICAL | {SCHOOL_B}),  # its own teachers'
    Route("staff:pair_list", post=SCHOOL_WRITERS | {METHODIST_P}),
    Route("staff:association_list", post=METHODICAL),
    Route("staff:association_edit", ASSOCIATION, get=METHODICAL, post=METHODICAL),
    Route("staff:event_list", post=METHODICAL),
    Route("staff:event_detail", EVENT, post=METHODICAL),
    Route("staff:at_risk_overview"),
    # API v1: a personal key; the same scopes and rights as the pages.
    Route("api:api-root", get_status=404, public=True),  # ninja's prefix: no page
    Route("api:openapi-json", public=True),
    Route("api:openapi-view", public=True),
    Route("api:school_list"),
    Route("api:school_detail", SCHOOL),
    Route("api:result_list"),
    Route("api:result_import_job", api(IMPORT_JOB, "job_id")),  # only its uploader sees a job
    Route("api:result_upload", get=None, post=MANAGERS, method="POST", data=result_file),
    Route("api:run_list"),
    Route("api:run_verdicts", api(RUN, "run_id")),
    Route("api:program_list"),
    Route("api:program_detail", api(MUNICIPAL_PROGRAM, "program_id")),
    Route("api:program_indicators", api(MUNICIPAL_PROGRAM, "program_id")),
    Route("api:program_activities", api(MUNICIPAL_PROGRAM, "program_id")),
    Route("api:indicator_values", api(INDICATOR, "indicator_id")),
    Route(
        "api:indicator_value_enter",
        api(INDICATOR, "indicator_id"),
        get=None,
        post=MANAGERS,
        method="POST",
        data=lambda: {"measured_on": "2024-01-10", "value": "75"},
    ),
    Route(
        "api:activity_mark",
        api(ACTIVITY, "activity_id"),
        get=None,
        post=MANAGERS,
        method="PATCH",
        data=lambda: {"status": "done"},
    ),
    Route("api:decision_list"),
    Route(
        "api:decision_mark",
        API_DECISION,
        get=None,
        post=COORDINATORS,
        method="PATCH",
        data=lambda: {"status": "done"},
    ),
]
