"""A protocol as plain data, in the order of seed 000's «Протокол №1»: header, number and date,
председатель, секретарь, присутствовали, повестка, items with СЛУШАЛИ / ВЫСТУПИЛИ /
ПОСТАНОВИЛИ and the vote, signatures. The page, DOCX and PDF all print this one dict, and a
finalised revision stores it, so a signed protocol prints the same years later."""

import re

from opora.meetings.models import ItemKind, Meeting, Member, ProtocolStatus

_INITIALS = re.compile(r"^(?:[А-ЯЁA-Z]\.\s?){1,2}$")


def signature_name(name: str) -> str:
    """«Астраханцева О.В.» → «О.В. Астраханцева», as a name is typed under a signature."""
    parts = name.split()
    if len(parts) >= 2 and _INITIALS.match("".join(parts[1:])):
        return f"{''.join(parts[1:])} {parts[0]}"
    return name


def _person(member: Member | None) -> dict | None:
    if member is None:
        return None
    return {"name": member.name, "position": member.position}


def _line(person: dict) -> str:
    return f"{person['name']} – {person['position']}" if person["position"] else person["name"]


def _sentence(text: str) -> str:
    """End with a full stop unless the text already ends a sentence («О.А.», «(Приложение 1).»)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def _decision_line(decision, *, with_owner: bool) -> str:
    parts = [decision.text.strip()]
    if with_owner and (decision.owner_label() or decision.deadline_text):
        parts = [_sentence(decision.text)]
        if decision.owner_label():
            parts.append(_sentence(f"Ответственный: {decision.owner_label()}"))
        if decision.deadline_text:
            parts.append(_sentence(f"Срок: {decision.deadline_text}"))
    return f"{decision.number}. {' '.join(parts)}"


def reviewed_line(decision) -> str:
    """A decision of an earlier meeting as the follow-up item reports it."""
    meeting = decision.item.meeting
    head = (
        f"Протокол №{meeting.number} от {meeting.date:%d.%m.%Y}, "
        f"п. {decision.item.number}.{decision.number}: {decision.text}"
    )
    parts = []
    if decision.owner_label():
        parts.append(f"ответственный: {decision.owner_label()}")
    if decision.deadline_text:
        parts.append(f"срок: {decision.deadline_text}")
    parts.append(f"состояние: {decision.get_status_display()}")
    if decision.evidence_note:
        parts.append(decision.evidence_note)
    return f"{head} — {'; '.join(parts)}."


def protocol_content(meeting: Meeting) -> dict:
    group = meeting.group
    chair, secretary = _person(meeting.chair), _person(meeting.secretary)
    officers = {meeting.chair_id, meeting.secretary_id} - {None}
    attendance = list(meeting.attendance.select_related("member"))
    present = [
        _line(_person(a.member)) for a in attendance if a.present and a.member_id not in officers
    ]
    absent = [
        _line(_person(a.member)) + (f" ({a.note})" if a.note else "")
        for a in attendance
        if not a.present
    ]
    items = []
    for item in meeting.items.prefetch_related(
        "speeches", "decisions__owner_member", "decisions__owner_school"
    ):
        heard = ", ".join(part for part in (item.heard_speaker, item.heard_summary) if part)
        reviewed = []
        if item.kind == ItemKind.FOLLOW_UP:
            reviewed = [
                reviewed_line(d)
                for d in item.reviewed_decisions.select_related(
                    "item__meeting", "owner_member", "owner_school"
                ).order_by("item__meeting__date", "item__number", "number")
            ]
        items.append(
            {
                "number": item.number,
                "title": item.title,
                "heard": heard,
                "speeches": [
                    f"{s.speaker} – {s.summary}" if s.summary else s.speaker
                    for s in item.speeches.all()
                ],
                "reviewed": reviewed,
                "decisions": [
                    _decision_line(d, with_owner=group.prints_owner_and_deadline)
                    for d in item.decisions.all()
                ],
                "vote": item.vote_text(),
            }
        )
    signatures = [("Председатель", signature_name(chair["name"]))] if chair else []
    if secretary:
        signatures.append(("Секретарь", signature_name(secretary["name"])))
    return {
        "issuer": group.issuer,
        "heading": group.heading(),
        "number": meeting.number,
        "date": f"{meeting.date:%d.%m.%Y}",
        "time": f"{meeting.time:%H:%M}" if meeting.time else "",
        "place": meeting.place,
        "online": meeting.is_online,
        "chair": chair,
        "secretary": secretary,
        "present_heading": meeting.present_heading,
        "present": present,
        "absent": absent,
        "guests": [str(g) for g in meeting.guests.all()],
        "items": items,
        "signatures": signatures,
        "revision": meeting.revision,
        "draft": meeting.status == ProtocolStatus.DRAFT,
    }


def protocol_lines(content: dict) -> list[str]:
    """The protocol as lines of text, in print order: what DOCX and PDF lay out and what tests
    compare with the seed."""
    lines = []
    if content["draft"]:
        lines.append("ПРОЕКТ")
    lines += [content["issuer"], content["heading"], f"Протокол №{content['number']}"]
    lines.append(f"от {content['date']} г.")
    lines += place_lines(content)
    if content["chair"]:
        lines.append(f"Председатель: {officer(content['chair'])}")
    if content["secretary"]:
        lines.append(f"Секретарь: {officer(content['secretary'])}")
    lines.append("Присутствовали:")
    if content["present_heading"]:
        lines.append(content["present_heading"])
    lines += [f"{p};" for p in content["present"]]
    if content["absent"]:
        lines.append("Отсутствовали:")
        lines += [f"{p};" for p in content["absent"]]
    if content["guests"]:
        lines.append("Приглашённые:")
        lines += [f"{p};" for p in content["guests"]]
    lines.append("ПОВЕСТКА ДНЯ")
    lines += [f"{item['number']}. {item['title']}" for item in content["items"]]
    for item in content["items"]:
        lines.append(f"{item['number']}. СЛУШАЛИ: {item['heard'] or item['title']}")
        if item["speeches"]:
            lines.append("ВЫСТУПИЛИ:")
            lines += item["speeches"]
        lines += item["reviewed"]
        if item["decisions"]:
            lines.append("ПОСТАНОВИЛИ:")
            lines += item["decisions"]
        if item["vote"]:
            lines.append(item["vote"])
    for role, name in content["signatures"]:
        lines.append(f"{role} ____________ {name}")
    return lines


def officer(person: dict) -> str:
    """«муниципальный координатор – Астраханцева О.В.»: position first, as seed 000 writes it."""
    return f"{person['position']} – {person['name']}" if person["position"] else person["name"]


def place_lines(content: dict) -> list[str]:
    lines = []
    if content["time"]:
        lines.append(f"Время проведения: {content['time']}")
    if content["place"] or content["online"]:
        where = content["place"]
        if content["online"]:
            where = f"{where} (в режиме видеоконференции)" if where else "в режиме видеоконференции"
        lines.append(f"Место проведения: {where}")
    return lines
