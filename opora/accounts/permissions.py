"""The one place that answers "may this user see or change X".

Every selector starts from the scope querysets here (regions, municipalities, schools), so a
user never reaches a row outside their scope; an app scopes its own objects from them in its
selectors (visible_programs, visible_decisions). This module imports no app but the registry:
a rule about a program or a decision takes the object and reads its fields.
A school outside the scope is answered with 404, as if it did not exist, so its name never leaks.

Every role rule is a named predicate here; views, selectors and templates ask them and never
compare `user.role` themselves. Every write service takes the acting user as the keyword `user`
(`imported_by` for an import) and asks the predicate itself, raising PermissionDenied (403), so
a page, a command, the API and a background job get the same answer. `user` None is the console
operator (a management command, the demo loader), who works with the whole database; a page or
the API always passes its request's user.
"""

from functools import cached_property

from django.db.models import Q, QuerySet

from opora.accounts.models import Role, User
from opora.registry.models import Municipality, Region, School

EDITS_SCHOOLS = {Role.REGION, Role.COORDINATOR, Role.SCHOOL}
IMPORTS_FILES = {Role.REGION, Role.COORDINATOR}


def visible_regions(user: User) -> QuerySet[Region]:
    if user.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(municipalities__in=visible_municipalities(user)).distinct()


def visible_municipalities(user: User) -> QuerySet[Municipality]:
    if user.is_superuser:
        return Municipality.objects.all()
    if not user.is_authenticated or not user.role:
        return Municipality.objects.none()
    if user.region_id:
        return Municipality.objects.filter(region_id=user.region_id)
    if user.municipality_id:
        return Municipality.objects.filter(pk=user.municipality_id)
    return Municipality.objects.filter(schools__in=visible_schools(user)).distinct()


def visible_schools(user: User) -> QuerySet[School]:
    if user.is_superuser:
        return School.objects.all()
    if not user.is_authenticated or not user.role:
        return School.objects.none()
    if user.region_id:
        return School.objects.filter(municipality__region_id=user.region_id)
    if user.municipality_id:
        return School.objects.filter(municipality_id=user.municipality_id)
    if user.school_id:
        return School.objects.filter(pk=user.school_id)
    if curates_schools(user):
        return user.curated_schools.all()
    return School.objects.none()


def is_school_team(user: User) -> bool:
    """The user speaks for one school (its team): what is addressed to that school is theirs."""
    return user.role == Role.SCHOOL and user.school_id is not None


def curates_schools(user: User) -> bool:
    """A curator (tutor, mentor) works with the schools assigned to them, not a territory."""
    return user.role == Role.CURATOR


def works_with_own_schools(user: User) -> bool:
    """A school team or a curator: their lists (activities, campaigns, decisions) keep what
    concerns their schools, and the municipality's own pages are not theirs."""
    return user.role in (Role.SCHOOL, Role.CURATOR)


def can_view_school(user: User, school: School) -> bool:
    return visible_schools(user).filter(pk=school.pk).exists()


def can_edit_school(user: User, school: School) -> bool:
    return edits_schools(user) and can_view_school(user, school)


def edits_schools(user: User) -> bool:
    """Whether the user's role edits school data at all (within their scope)."""
    return user.is_superuser or user.role in EDITS_SCHOOLS


def can_import_files(user: User) -> bool:
    return user.is_superuser or user.role in IMPORTS_FILES


def can_manage_municipality(user: User, municipality: Municipality) -> bool:
    """Create schools in, or import rows into, this municipality."""
    if user.is_superuser:
        return True
    if user.role == Role.REGION:
        return municipality.region_id == user.region_id
    return user.role == Role.COORDINATOR and municipality.pk == user.municipality_id


def can_add_municipality(user: User, *, region_name: str) -> bool:
    """A municipality new to the registry is added by the operator of its region."""
    if user.is_superuser:
        return True
    return user.role == Role.REGION and user.region.name == region_name


def opens_regions(user: User | None) -> bool:
    """A new region is opened from the console (`manage.py create_region`) or by a superuser;
    no role of the site creates one."""
    return user is None or user.is_superuser


def can_issue_order(user: User, *, region: Region, municipality: Municipality | None) -> bool:
    """Record an order: a municipality's by whoever manages it, a region's by its operator."""
    if municipality is not None:
        return can_manage_municipality(user, municipality)
    return user.is_superuser or (user.role == Role.REGION and user.region_id == region.pk)


def runs_identification(user: User) -> bool:
    """Whether the role runs identification at all (for its region or its municipality)."""
    return user.is_superuser or user.role in (Role.REGION, Role.COORDINATOR)


def can_run_identification(
    user: User, *, region: Region, municipality: Municipality | None
) -> bool:
    """Run or approve identification for a region (its operator) or a municipality (also its
    coordinator: seed 003's municipality drew up its own list)."""
    if user.is_superuser:
        return True
    if user.role == Role.REGION:
        return region.pk == user.region_id
    return (
        user.role == Role.COORDINATOR
        and municipality is not None
        and municipality.pk == user.municipality_id
    )


def draws_up_regional_lists(user: User) -> bool:
    """Whether the user may draw up a list for the whole of their region (its operator)."""
    return user.role == Role.REGION and user.region_id is not None


def can_save_rule_variant(user: User, *, region: Region, municipality: Municipality | None) -> bool:
    """Save tried thresholds as a rule variant of one's own territory: whoever draws up the
    territory's lists. Built-in rules are never changed by a save."""
    return can_run_identification(user, region=region, municipality=municipality)


def rule_sets_offered(user: User, rule_sets: QuerySet) -> QuerySet:
    """Identification rules offered to the user: built-in ones (no owner) everywhere; a region's
    rules and variants in the region and its municipalities; a municipality's variant only to
    that municipality's people (not to the region's operator, nor to other municipalities)."""
    if user.is_superuser:
        return rule_sets
    built_in = Q(region__isnull=True, municipality__isnull=True)
    regional = Q(region__in=visible_regions(user))
    if user.municipality_id is None:
        return rule_sets.filter(built_in | regional)
    return rule_sets.filter(built_in | regional | Q(municipality_id=user.municipality_id))


def can_see_rule_set(user: User, rule_set) -> bool:
    """Run, try or approve with this rule set: it is offered to the user (see rule_sets_offered)."""
    return rule_sets_offered(user, type(rule_set).objects.filter(pk=rule_set.pk)).exists()


def can_approve_identification(user: User, run) -> bool:
    """Approve a run as the official list: the run's territory is the user's to draw up, and its
    rule is one offered to the user (a municipality's variant is approved only there)."""
    return can_run_identification(
        user, region=run.region, municipality=run.municipality
    ) and can_see_rule_set(user, run.rule_set)


def creates_programs(user: User) -> bool:
    """Whether the role writes programs at all: the region and the coordinator (municipal and
    school ones of their territory), the school team (its own school's)."""
    return user.is_superuser or user.role in EDITS_SCHOOLS


def can_create_program(user: User, municipality: Municipality, school: School | None) -> bool:
    """Create (or copy) a program: a municipal one by the coordinator or region of the
    territory, a school's one also by the school's own team."""
    if school is None:
        return can_manage_municipality(user, municipality)
    return school.municipality_id == municipality.pk and can_fill_risk_profile(user, school)


def can_update_activity(user: User, activity) -> bool:
    """The coordinator (or region) updates any activity of the municipality; a school team only
    the activities addressed to its own school."""
    if can_manage_municipality(user, activity.program.municipality):
        return True
    return user.role == Role.SCHOOL and activity.schools.filter(pk=user.school_id).exists()


def can_enter_indicator_value(user: User, indicator, school=None) -> bool:
    """The municipality enters any value of its programs; a school team the values of its own
    school: of an indicator of that school, or its line of an indicator «каждая школа»."""
    if can_manage_municipality(user, indicator.program.municipality):
        return True
    if user.role != Role.SCHOOL or user.school_id is None:
        return False
    if indicator.scope == "each_school":
        return school is not None and school.pk == user.school_id
    return indicator.school_id == user.school_id


def sees_territory_working_groups(user: User) -> bool:
    """Whether the user sees every working group of the municipalities they work in (the region,
    coordinator, methodist or observer); others see only the groups they are members of."""
    return user.role in (Role.REGION, Role.COORDINATOR, Role.METHODIST, Role.OBSERVER)


def can_create_working_group(user: User, municipality: Municipality) -> bool:
    """The coordinator forms the municipality's group; the region only reads it."""
    if user.is_superuser:
        return True
    return user.role == Role.COORDINATOR and municipality.pk == user.municipality_id


def can_manage_working_group(user: User, group) -> bool:
    """Prepare, record and finalise meetings: the municipality's coordinator, or a user who is
    the group's head or secretary (a member linked to that user, still in the group)."""
    if can_create_working_group(user, group.municipality):
        return True
    if not user.is_authenticated:
        return False
    return group.members.filter(
        account=user, role__in=["head", "secretary"], left_on__isnull=True
    ).exists()


def can_update_decision(user: User, decision) -> bool:
    """Mark a decision carried out: whoever manages the group, the owner when linked to a user,
    or the school team of the owning school."""
    if can_manage_working_group(user, decision.item.meeting.group):
        return True
    if decision.owner_member_id and decision.owner_member.account_id == user.pk:
        return True
    return (
        user.role == Role.SCHOOL
        and decision.owner_school_id is not None
        and decision.owner_school_id == user.school_id
    )


def can_fill_risk_profile(user: User, school: School) -> bool:
    """The school's own team fills its risk questionnaire and writes its programs; the
    municipality may do it for the school."""
    if can_manage_municipality(user, school.municipality):
        return True
    return user.role == Role.SCHOOL and user.school_id == school.pk


def can_review_school(user: User, school: School) -> bool:
    """A curator (tutor, mentor) of the school, or its municipality, verifies the risk profile,
    comments on, returns and approves the school's programs and logs visits."""
    if can_manage_municipality(user, school.municipality):
        return True
    return user.role == Role.CURATOR and user.curated_schools.filter(pk=school.pk).exists()


def can_assign_curators(user: User, municipality: Municipality) -> bool:
    return can_manage_municipality(user, municipality)


def can_edit_school_program(user: User, program) -> bool:
    """A school program (концепция, среднесрочная, антирисковая) is written by its school."""
    return program.school_id is not None and can_fill_risk_profile(user, program.school)


def can_change_school_program_status(user: User, program, status: str) -> bool:
    """The school team sends its program for review and later implements it; from review, only
    a curator of the school (or the municipality) returns it or approves it."""
    if program.school_id is None:
        return False
    if program.status == "review" and status in ("draft", "approved"):
        return can_review_school(user, program.school)
    return can_fill_risk_profile(user, program.school)


def can_edit_partnership(user: User, partnership) -> bool:
    """The partner school's municipality and its curators keep the joint plan."""
    return can_review_school(user, partnership.partner)


def edits_staff(user: User, school: School) -> bool:
    """Teachers, vacancies, ИОМ and at-risk figures of a school: its own team, or the
    municipality that manages it. Methodists, curators and observers read them."""
    if user.is_superuser:
        return True
    if user.role == Role.SCHOOL:
        return school.pk == user.school_id
    return can_manage_municipality(user, school.municipality)


def runs_methodical_work(user: User, municipality: Municipality) -> bool:
    """Courses, methodical events, ИОМ templates of a municipality: its methodist, and those who
    manage the municipality."""
    if user.is_superuser:
        return True
    if user.role == Role.METHODIST:
        return municipality.pk == user.municipality_id
    return can_manage_municipality(user, municipality)


def reviews_routes_as_methodist(user: User, municipality: Municipality) -> bool:
    """The methodist's review of a teacher's ИОМ is given by the municipality's methodist only."""
    return user.is_superuser or (
        user.role == Role.METHODIST and municipality.pk == user.municipality_id
    )


def can_review_route(user: User, route, role: str) -> bool:
    """Give a teacher's ИОМ the school's review (`role` «school»: whoever edits the school's
    staff) or the methodist's («methodist»)."""
    school = route.teacher.school
    if role == "school":
        return edits_staff(user, school)
    return role == "methodist" and reviews_routes_as_methodist(user, school.municipality)


def records_diagnostics(user: User, school: School) -> bool:
    """Diagnostic results come from the methodical service; self-assessments from the school."""
    return edits_staff(user, school) or runs_methodical_work(user, school.municipality)


def edits_staff_somewhere(user: User) -> bool:
    """Whether the role edits teachers at all: the roles that edit a school's data edit its
    teachers too (its own school, or its territory's schools)."""
    return edits_schools(user)


def records_diagnostics_somewhere(user: User) -> bool:
    return edits_staff_somewhere(user) or user.role == Role.METHODIST


def can_fill_submission(user: User, submission) -> bool:
    """A school team fills its own school's monitoring submission; the municipality may fill
    any of its schools' (e.g. from a paper form)."""
    if can_manage_municipality(user, submission.campaign.municipality):
        return True
    return user.role == Role.SCHOOL and submission.school_id == user.school_id


def can_review_submission(user: User, submission) -> bool:
    """Accepting or returning a submission is the municipality's (its coordinator or region)."""
    return can_manage_municipality(user, submission.campaign.municipality)


def can_set_effectiveness_rule(user: User, region: Region | None) -> bool:
    """A region's own rule for judging measures is set by its operator; a rule of no region
    (Opora's, for every region) comes from the console only."""
    if user.is_superuser:
        return True
    return region is not None and user.role == Role.REGION and user.region_id == region.pk


def can_edit_self_assessment(user: User, municipality: Municipality) -> bool:
    """The municipality's self-assessment along the management cycle is written and submitted by
    its coordinator; the region reviews it, so does not write it."""
    return user.is_superuser or (
        user.role == Role.COORDINATOR and municipality.pk == user.municipality_id
    )


def can_review_self_assessment(user: User, municipality: Municipality) -> bool:
    """Return or accept a municipality's self-assessment: the operator of its region."""
    return user.is_superuser or (
        user.role == Role.REGION and municipality.region_id == user.region_id
    )


def can_adapt_criteria(user: User, region: Region) -> bool:
    """The self-assessment criteria of a region (its own version of the built-in set) are
    adapted by its operator."""
    return user.is_superuser or (user.role == Role.REGION and user.region_id == region.pk)


def sees_whole_municipality(user: User, municipality: Municipality) -> bool:
    """Municipal summaries (all schools of a municipality in one document): the region, and the
    coordinator, methodist or observer of the municipality. A school team or a curator sees
    only some of its schools, so it gets none."""
    if user.is_superuser:
        return True
    if user.role == Role.REGION:
        return municipality.region_id == user.region_id
    return user.municipality_id is not None and municipality.pk == user.municipality_id


def sees_region_summary(user: User) -> bool:
    """The region's summary of its municipalities: its operator, and an observer (who reads it
    for the municipalities in their scope)."""
    return user.is_superuser or user.role in (Role.REGION, Role.OBSERVER)


def route_review_duty(user: User) -> str | None:
    """Whose review of teachers' ИОМ the home page asks of this user: the methodist's or the
    school team's («methodist», «school»); the others review when they choose to."""
    return {Role.METHODIST: "methodist", Role.SCHOOL: "school"}.get(user.role)


def chooses_year_in_view(user: User) -> bool:
    """Anyone signed in picks the academic year their own pages open on: it is a view, not data."""
    return user.is_authenticated and user.is_active


def manages_accounts(user: User) -> bool:
    """The region's operator and a municipality's coordinator keep the accounts of their
    territory (the page «Пользователи»): invite, switch off and on, send a password link."""
    return user.is_superuser or user.role in (Role.REGION, Role.COORDINATOR)


def visible_accounts(user: User) -> QuerySet[User]:
    """Accounts whose scope lies in the user's territory (a curator's when one of their schools
    does); other accounts are answered with 404."""
    if user.is_superuser:
        return User.objects.all()
    if not manages_accounts(user):
        return User.objects.none()
    schools = visible_schools(user)
    inside = (
        Q(municipality__in=visible_municipalities(user))
        | Q(school__in=schools)
        | Q(pk__in=User.objects.filter(curated_schools__in=schools).values("pk"))
    )
    if user.region_id:
        inside |= Q(region_id=user.region_id)
    return User.objects.filter(inside)


def roles_granted_by(user: User) -> list[str]:
    """Roles the user may give: the region's operator any role of the region; a coordinator the
    school teams, curators, methodists and observers of the municipality. Coordinators and the
    region's operator are appointed by the region (or the console), not by a coordinator."""
    if user.is_superuser or user.role == Role.REGION:
        return list(Role.values)
    if user.role == Role.COORDINATOR:
        return [Role.SCHOOL, Role.CURATOR, Role.METHODIST, Role.OBSERVER]
    return []


def can_grant_scope(
    user: User, *, role: str, region=None, municipality=None, school=None, schools=()
) -> bool:
    """Nobody grants more than their own scope: the role is one the user gives, and every place
    the account would work in (region, municipality, school, curated schools) is the user's."""
    return _Grants(user).allows(
        role=role, region=region, municipality=municipality, school=school, schools=schools
    )


def can_manage_account(user: User, account: User) -> bool:
    """Switch an account off or on, send it a password link, change its role or place: an
    account the user could have granted (a coordinator leaves a fellow coordinator to the
    region), never one's own."""
    return account.pk in manageable_accounts(user, [account])


def manageable_accounts(user: User, accounts) -> set[int]:
    """The pks of `accounts` that `can_manage_account` allows, the user's territory read once
    for all of them (a page of the users list)."""
    grants = _Grants(user)
    return {
        a.pk
        for a in accounts
        if a.pk != user.pk
        and grants.allows(
            role=a.role,
            region=a.region,
            municipality=a.municipality,
            school=a.school,
            schools=a.curated_schools.all(),
        )
    }


class _Grants:
    """The rule of `can_grant_scope`, with the places of the user's territory read at most once
    however many accounts it is asked about."""

    def __init__(self, user: User):
        self.user = user
        self.roles = roles_granted_by(user)

    @cached_property
    def municipality_ids(self) -> set[int]:
        return set(visible_municipalities(self.user).values_list("pk", flat=True))

    @cached_property
    def school_ids(self) -> set[int]:
        return set(visible_schools(self.user).values_list("pk", flat=True))

    def allows(self, *, role: str, region=None, municipality=None, school=None, schools=()):
        if role not in self.roles:
            return False
        if self.user.is_superuser:
            return True
        if region is not None and region.pk != self.user.region_id:
            return False
        if municipality is not None and municipality.pk not in self.municipality_ids:
            return False
        places = {s.pk for s in [school, *schools] if s is not None}
        return not places or places <= self.school_ids
