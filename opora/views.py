"""The home page: what needs the user's attention, gathered from each area's selectors; the
blank files of the imports."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from opora.accounts.permissions import edits_schools
from opora.assessments import selectors as assessments
from opora.downloads import file_response
from opora.import_templates import CONTENT_TYPES, TEMPLATES
from opora.meetings import selectors as meetings
from opora.monitoring import selectors as monitoring
from opora.paging import paginate
from opora.programs import selectors as programs
from opora.registry import selectors as registry
from opora.registry.years import (
    academic_year_end,
    deadlines_as_of,
    latest_up_to,
    year_in_view,
    years_of,
)
from opora.risks import selectors as risks
from opora.staff import selectors as staff


@login_required
def home(request):
    # Everything on the page is of the year in view; deadlines count as of today while it runs
    # and as of its last day once it is over (registry/years.py, deadlines_as_of).
    year = year_in_view(request.user)
    today = deadlines_as_of(year, timezone.localdate())
    # The conditions asked for are those of the results beside the year's list: of the year
    # itself once its results are in, before that of the year the list was made from.
    conditions_year = latest_up_to(year, years_of(assessments.result_years, request.user)) or year
    return render(
        request,
        "home.html",
        {
            "year": year,
            "as_of": today,
            "conditions_year": conditions_year,
            "year_is_over": academic_year_end(year) < timezone.localdate(),
            "missing_context": paginate(
                request,
                registry.schools_missing_context(user=request.user, year=conditions_year),
                per_page=25,
                param="missing_page",
            ),
            "municipalities": registry.municipality_list(user=request.user),
            "can_fill": edits_schools(request.user),
            "overdue": programs.overdue_activities(user=request.user, today=today),
            "overdue_decisions": meetings.overdue_decisions(user=request.user, today=today),
            "notifications": risks.unread_notifications(user=request.user)[:5],
            "unread_count": risks.unread_count(user=request.user),
            "campaigns_due": monitoring.campaigns_due(user=request.user, today=today),
            "routes_to_review": staff.routes_awaiting_review(user=request.user),
            "overdue_route_activities": staff.overdue_route_activities(
                user=request.user, today=today
            ),
        },
    )


@login_required
def import_template(request, name, suffix):
    """A blank file of an import, Russian header and an example row: it holds no data, so
    whoever may see an upload page may have it."""
    template = TEMPLATES.get(name)
    if template is None or suffix not in CONTENT_TYPES:
        raise Http404
    return file_response(
        template.content(suffix),
        filename=f"{template.title}.{suffix}",
        content_type=CONTENT_TYPES[suffix],
    )
