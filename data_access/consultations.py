"""一键会商: consultations called from the command directory, their invitation, notice and phone list.

A leader or administrator picks contacts (or a whole level) in the directory and starts a 会商:
topic, time, duration, place or meeting link, note. The participants are stored as they were
invited (a snapshot: the directory may be reloaded later). Every contact must be inside the
caller's scope: an id from elsewhere (a forged request) is refused and nothing is stored.
A consultation is visible to users whose scope contains the region of the user who called it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import insert, select

from . import audit, store
from .directory import mask_phone, role_rank
from .errors import InvalidInput, NotFound, OutOfScope
from .regions import region_index
from .schema import consultation, consultation_participant, contact, region_closure
from .scope import Scope

CHINA = timezone(timedelta(hours=8), "CST")  # Asia/Shanghai has no daylight saving time
MAX_PARTICIPANTS = 300
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Participant:
    contact_id: int
    region_code: str
    region_name: str
    role: str
    name: str
    organisation: str
    phone: str


@dataclass(frozen=True)
class Consultation:
    id: int
    topic: str
    starts_at: datetime  # local time (China Standard Time), naive
    duration_minutes: int
    place: str
    note: str
    region_code: str
    called_by: str
    created_at: datetime
    status: str
    participants: tuple[Participant, ...]

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


def _text(value: object, label: str, limit: int, *, required: bool = True) -> str:
    text = " ".join(str(value or "").split()) if label != "备注" else str(value or "").strip()
    if required and not text:
        raise InvalidInput(f"请填写{label}")
    if len(text) > limit:
        raise InvalidInput(f"{label}过长（最多 {limit} 字）")
    return text


def create(
    *,
    topic: str,
    starts_at: datetime,
    duration_minutes: int,
    place: str,
    note: str,
    contact_ids: Sequence[object],
    scope: Scope,
    called_by: str,
) -> int:
    """Store a consultation and its participants in one transaction (audited); returns its id.

    Raises:
        InvalidInput: a missing or malformed field, no participant, too many.
        OutOfScope: a participant id that is not a contact inside ``scope`` (nothing is stored).
    """
    topic, place = _text(topic, "会商主题", 128), _text(place, "地点或会议链接", 256)
    note = _text(note, "备注", 2000, required=False)
    if not isinstance(starts_at, datetime):
        raise InvalidInput("请填写会商时间")
    try:
        minutes = int(duration_minutes)
    except (TypeError, ValueError):
        raise InvalidInput("会商时长应为分钟数") from None
    if not 10 <= minutes <= 720:
        raise InvalidInput("会商时长应在 10 至 720 分钟之间")
    ids = _ids(contact_ids)
    now = datetime.now().replace(microsecond=0)
    with store.engine().begin() as conn:
        people = _people_in_scope(conn, ids, scope)
        missing = sorted(set(ids) - {p.id for p in people})
        if missing:
            audit.record("consultation", username=called_by, region_code=scope.root, outcome="refused",
                         detail=f"参会人员不在权限范围内：{missing[:10]}")  # fmt: skip
            raise OutOfScope(f"参会人员不在您的权限范围内或不存在（{len(missing)} 人），会商未发起")
        new_id = conn.execute(
            insert(consultation).values(
                topic=topic, starts_at=starts_at.replace(second=0, microsecond=0), duration_minutes=minutes,
                place=place, note=note, region_code=scope.root, called_by=called_by, created_at=now,
                status="planned",
            )
        ).inserted_primary_key[0]  # fmt: skip
        conn.execute(
            insert(consultation_participant),
            [
                {"consultation_id": new_id, "contact_id": p.id, "region_code": p.region_code, "role": p.role,
                 "name": p.name, "organisation": p.organisation, "phone": p.phone}
                for p in people
            ],
        )  # fmt: skip
        audit.record("consultation", username=called_by, region_code=scope.root, conn=conn,
                     detail=f"发起会商 #{new_id}「{topic}」{starts_at:%Y-%m-%d %H:%M}，{len(people)} 人")  # fmt: skip
    return int(new_id)


def _ids(contact_ids: Sequence[object]) -> list[int]:
    if not contact_ids:
        raise InvalidInput("请至少选择一位参会人员")
    try:
        ids = sorted({int(str(i)) for i in contact_ids})
    except ValueError:
        raise InvalidInput("参会人员编号无效") from None
    if len(ids) > MAX_PARTICIPANTS:
        raise InvalidInput(f"参会人员过多（最多 {MAX_PARTICIPANTS} 人）")
    return ids


def _people_in_scope(conn, ids: list[int], scope: Scope) -> list:
    c = contact.c
    stmt = (
        select(c.id, c.region_code, c.role, c.name, c.organisation, c.phone)
        .join(region_closure, region_closure.c.descendant == c.region_code)
        .where(region_closure.c.ancestor == scope.root, c.id.in_(ids))
    )
    return conn.execute(stmt).all()


def _visible(region_code: str, scope: Scope) -> bool:
    return scope.contains(region_code)


def get(consultation_id: int, scope: Scope, *, reveal_phones: bool = False) -> Consultation:
    """One consultation the scope may see (NotFound otherwise, also for one outside the scope)."""
    with store.engine().connect() as conn:
        row = conn.execute(select(consultation).where(consultation.c.id == int(consultation_id))).first()
        if row is None or not _visible(row.region_code, scope):
            raise NotFound(f"没有编号为 {consultation_id} 的会商")
        parts = conn.execute(
            select(consultation_participant).where(consultation_participant.c.consultation_id == row.id)
        ).all()
    return _build(row, parts, reveal_phones)


def listing(scope: Scope, now: datetime | None = None) -> tuple[list[Consultation], list[Consultation]]:
    """(upcoming soonest first, past latest first) consultations the scope may see; phones masked."""
    now = now or datetime.now()
    with store.engine().connect() as conn:
        rows = [r for r in conn.execute(select(consultation)).all() if _visible(r.region_code, scope)]
        parts: dict[int, list] = {}
        if rows:
            stmt = select(consultation_participant).where(
                consultation_participant.c.consultation_id.in_([r.id for r in rows])
            )
            for p in conn.execute(stmt):
                parts.setdefault(p.consultation_id, []).append(p)
    items = [_build(r, parts.get(r.id, []), False) for r in rows]
    upcoming = sorted((c for c in items if c.ends_at >= now), key=lambda c: (c.starts_at, c.id))
    past = sorted((c for c in items if c.ends_at < now), key=lambda c: (c.starts_at, c.id), reverse=True)
    return upcoming, past


def _build(row, parts, reveal: bool) -> Consultation:
    index = region_index()
    people = sorted(
        (
            Participant(
                p.contact_id, p.region_code, index.get(p.region_code).name if index.get(p.region_code) else "",
                p.role, p.name, p.organisation, p.phone if reveal else mask_phone(p.phone),
            )
            for p in parts
        ),
        key=lambda p: (p.region_code, role_rank(p.role), p.name),
    )  # fmt: skip
    starts = (
        row.starts_at if isinstance(row.starts_at, datetime) else datetime.fromisoformat(str(row.starts_at))
    )
    created = (
        row.created_at
        if isinstance(row.created_at, datetime)
        else datetime.fromisoformat(str(row.created_at))
    )
    return Consultation(
        row.id, row.topic, starts, row.duration_minutes, row.place, row.note, row.region_code,
        row.called_by, created, row.status, tuple(people),
    )  # fmt: skip


# --- what a participant receives -------------------------------------------------------------------


def when_text(c: Consultation) -> str:
    """2026年12月3日（星期四）15:00—16:00"""
    s, e = c.starts_at, c.ends_at
    end = f"{e:%H:%M}" if e.date() == s.date() else f"{e.month}月{e.day}日 {e:%H:%M}"
    return f"{s.year}年{s.month}月{s.day}日（星期{WEEKDAYS[s.weekday()]}）{s:%H:%M}—{end}"


def notice_text(c: Consultation) -> str:
    """The notice to paste into 粤政易: topic, time, place, participants with their roles."""
    lines = [
        f"【会商通知】{c.topic}",
        f"时间：{when_text(c)}",
        f"地点：{c.place}",
        f"参会人员（{len(c.participants)} 人）：",
        *(f"  {p.region_name} {p.role} {p.name}" for p in c.participants),
    ]
    if c.note:
        lines.append(f"备注：{c.note}")
    lines.append(f"发起人：{c.called_by}（百千万工程驾驶舱一键会商）")
    return "\n".join(lines)


def phone_list(c: Consultation) -> str:
    """One line per participant: region, role, name and phone (as the caller may see it)."""
    return "\n".join(f"{p.region_name} {p.role} {p.name}：{p.phone or '—'}" for p in c.participants)


def ics_bytes(c: Consultation, host: str = "bqw-cockpit") -> bytes:
    """An RFC 5545 invitation (UTF-8): one VEVENT, one ATTENDEE per participant, times in UTC."""
    from icalendar import Calendar, Event, vCalAddress, vText

    cal = Calendar()
    cal.add("prodid", "-//BQW cockpit//一键会商//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"consultation-{c.id}@{host}")
    event.add("dtstamp", c.created_at.replace(tzinfo=CHINA).astimezone(UTC))
    event.add("dtstart", c.starts_at.replace(tzinfo=CHINA).astimezone(UTC))
    event.add("dtend", c.ends_at.replace(tzinfo=CHINA).astimezone(UTC))
    event.add("summary", c.topic)
    event.add("location", c.place)
    event.add("description", notice_text(c))
    event.add("status", "CANCELLED" if c.status == "cancelled" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{c.called_by}@{host}.invalid")
    organizer.params["cn"] = vText(c.called_by)
    event.add("organizer", organizer)
    for p in c.participants:
        attendee = vCalAddress(f"mailto:contact-{p.contact_id}@{host}.invalid")
        attendee.params["cn"] = vText(f"{p.name}（{p.region_name}{p.role}）")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()
