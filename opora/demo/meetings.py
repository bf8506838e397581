"""Demo working groups from the seeds: seed 000's group and its «Протокол №1 от 03.07.2023»
with the decisions tracked, and the groups or coordinators seeds 002–004 name. Written through
the same services a coordinator uses, so the demo obeys every rule the pages do."""

import datetime
import json
from pathlib import Path

from django.db import transaction

from opora.accounts.models import User
from opora.meetings import services
from opora.meetings.models import DecisionStatus, WorkingGroup
from opora.programs.models import Order, Program
from opora.registry.models import Municipality

DATA = Path(__file__).parent / "data" / "meetings" / "groups.json"


@transaction.atomic
def meetings_load(*, admin: User) -> None:
    """Load each group once; a group already there (by municipality and name) is left as is."""
    for data in json.loads(DATA.read_text("utf-8")):
        municipality = Municipality.objects.select_related("region").get(code=data["municipality"])
        if WorkingGroup.objects.filter(municipality=municipality, name=data["name"]).exists():
            continue
        _load_group(data, municipality, admin)


def _load_group(data: dict, municipality: Municipality, admin: User) -> None:
    order = None
    if data["order"]:
        number, date = data["order"]
        order = Order.objects.get(
            region=municipality.region, number=number, date=datetime.date.fromisoformat(date)
        )
    group = services.working_group_create(
        user=admin,
        municipality=municipality,
        name=data["name"],
        issuer=data["issuer"],
        protocol_heading=data["protocol_heading"],
        order=order,
        composition_note=data["composition_note"],
        prints_owner_and_deadline=data["prints_owner_and_deadline"],
    )
    members = {}
    for member in data["members"]:
        members[member["key"]] = services.member_save(
            user=admin,
            group=group,
            name=member["name"],
            position=member["position"],
            organisation=member["organisation"],
            role=member["role"],
            account=User.objects.filter(username=member.get("user") or "").first(),
        )
    for meeting in data["meetings"]:
        _load_meeting(meeting, group, members, admin)


def _load_meeting(data: dict, group: WorkingGroup, members: dict, admin: User) -> None:
    meeting = services.meeting_create(
        user=admin,
        group=group,
        number=data["number"],
        date=datetime.date.fromisoformat(data["date"]),
        chair=members.get(data["chair"]),
        secretary=members.get(data["secretary"]),
        present_heading=data["present_heading"],
    )
    schools = group.municipality.schools.filter(parent__isnull=True)
    programs = Program.objects.filter(municipality=group.municipality)
    tracked = []  # decisions whose execution the seed (or the demo) records after the meeting
    for item_data in data["items"]:
        item = services.agenda_item_save(
            user=admin,
            meeting=meeting,
            title=item_data["title"],
            heard_speaker=item_data["heard_speaker"],
            heard_summary=item_data["heard_summary"],
            vote_kind=item_data["vote"],
            speeches=[],
        )
        for decision in item_data["decisions"]:
            saved = services.decision_save(
                user=admin,
                item=item,
                text=decision["text"],
                owner_text=decision.get("owner_text", ""),
                deadline_text=decision.get("deadline_text", ""),
                status=DecisionStatus.NOTED
                if decision["status"] == DecisionStatus.NOTED
                else DecisionStatus.OPEN,
                schools=schools if decision.get("schools") == "all" else [],
                programs=[
                    p for p in programs if any(p.name.startswith(n) for n in decision["programs"])
                ],
            )
            if decision["status"] not in (DecisionStatus.OPEN, DecisionStatus.NOTED):
                tracked.append((saved, decision))
    if data["final"]:
        services.meeting_finalise(user=admin, meeting=meeting)
    # Execution is tracked after the protocol is signed, as on the decision's page.
    for saved, decision in tracked:
        services.decision_status_update(
            user=admin,
            decision=saved,
            status=decision["status"],
            evidence_link="",
            evidence_note=decision.get("evidence_note", ""),
        )
