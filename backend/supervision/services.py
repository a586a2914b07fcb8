"""包保 supervision. Every rule lives here: who may pair whom (the 食安办 or an admin, within its
districts; an official's district must cover the business; the level must fit the business by the rules
as data), how an official is bound to a WeChat user (a one-time invitation code), which pledge text is
current and who has signed it, how many supervision tasks a quarter gives each pairing and by when, what
completing one needs (the checklist, and on site photos and a position), and where findings go (a minor
risk to the business's rectification loop, a violation to the 食安办 and, passed on, to enforcement)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from mongoengine import NotUniqueError

from backend.core import context, districts, domains
from backend.core.errors import Forbidden, InvalidInput
from backend.core.ids import object_id
from backend.core.indicators import Period
from backend.core.principal import ADMIN, OFFICE, OFFICIAL, Principal
from backend.core.text import Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.registry.models import APPROVED, HOUSEHOLD, OWNER, Business, Membership
from backend.supervision.errors import (
    AlreadyDone,
    AssignmentConflict,
    HandoverNotFound,
    OfficialNotFound,
    PledgeNotFound,
    TaskNotFound,
)
from backend.supervision.models import (
    DONE,
    MINOR,
    ON_SITE,
    OPEN,
    PASSED,
    PENDING,
    REMOTE,
    RETURNED,
    VIOLATION,
    Assignment,
    Finding,
    Handover,
    ItemResult,
    Official,
    Pledge,
    SupervisionTask,
)
from backend.workflow.services import change_state, create_record

# -- rules as data ------------------------------------------------------------------------------------


def rules() -> dict:
    return domains.data_file("backend.supervision", "data/rules.json")


def pledge_texts() -> dict:
    return domains.data_file("backend.supervision", "data/pledges.json")


def checklist() -> dict:
    return domains.data_file("backend.supervision", "data/checklists/supervision-v1.json")


def eligible_levels(kind: str, scale: str | None, risk: str | None, table: dict | None = None) -> list[str]:
    """The levels of official that may take a business: those whose rule names its risk grade, kind or
    scale. Pure."""
    table = table or rules()
    return [
        level
        for level, rule in table["levels"].items()
        if risk in rule.get("risk", ()) or kind in rule.get("kind", ()) or (scale or "small") in rule.get("scale", ())
    ]


def tasks_per_quarter(risk: str | None, table: dict | None = None) -> tuple[int, bool]:
    """(tasks a quarter, whether they must be on site) for a business of the risk grade. Pure."""
    table = table or rules()
    return table["tasks_per_quarter"].get(risk or "A", 1), (risk or "A") in table["on_site_required"]


def _profile(business: Business) -> tuple[str | None, str | None]:
    """(scale, risk grade) of a business, as the staff and inspections domains keep them."""
    from backend.inspections.models import RiskGrade
    from backend.staff.models import SafetyProfile

    profile = SafetyProfile.objects(id=business.id).only("scale").first()
    grade = RiskGrade.objects(id=business.id).only("level").first()
    return (profile.scale if profile else None), (grade.level if grade else None)


def _profiles(business_ids: list) -> dict:
    """{business id: (scale, risk grade)} for many businesses in two queries."""
    from backend.inspections.models import RiskGrade
    from backend.staff.models import SafetyProfile

    scales = {p.id: p.scale for p in SafetyProfile.objects(id__in=business_ids).only("scale")}
    risks = {g.id: g.level for g in RiskGrade.objects(id__in=business_ids).only("level")}
    return {business_id: (scales.get(business_id), risks.get(business_id)) for business_id in business_ids}


# -- who acts -----------------------------------------------------------------------------------------


def require_manager(principal: Principal) -> None:
    """The 食安办 of the districts, or an admin, arranges 包保; regulators and officials do not."""
    if principal.role not in (OFFICE, ADMIN):
        raise Forbidden(Text("Only the food-safety office arranges 包保."))


def _covers(principal: Principal, scopes: list[str]) -> bool:
    return principal.role == ADMIN or bool(set(principal.districts) & set(scopes))


def official_of(user_id: Any) -> Official:
    found = Official.objects.bound_to(object_id(user_id, OfficialNotFound)).first()
    if found is None:
        raise Forbidden(Text("This account is not bound to an official."))
    return found


# -- officials ----------------------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def create_official(principal: Principal, values: dict) -> tuple[Official, str]:
    """A new official and the one-time invitation code that binds them to their WeChat account (shown
    once; only its hash is kept)."""
    require_manager(principal)
    code_district = values["district_code"]
    scopes = districts.enclosing_codes(code_district)
    if not _covers(principal, scopes):
        raise InvalidInput(errors={"district_code": [Text("Outside your districts.")]})
    code = secrets.token_urlsafe(12)
    official = Official(
        name=values["name"],
        level=values["level"],
        organisation=values["organisation"],
        position=values.get("position"),
        district_code=code_district,
        district_scopes=scopes,
        phone=values.get("phone"),
        invitation_hash=_code_hash(code),
        invitation_expires_at=utcnow() + timedelta(days=context.settings().OFFICIAL_INVITATION_DAYS),
        created_by=object_id(principal.user_id),
    )
    create_record(official, action="created", actor_id=principal.user_id, target_type="official")
    return official, code


def give_console_login(principal: Principal, official_id: Any, username: str, password: str) -> Official:
    """The official may also sign in on the console (their tasks and pairings) with a password."""
    from backend.accounts.services import give_password_login

    require_manager(principal)
    official = get_official(principal, official_id)
    if official.user_id is None:
        raise AlreadyDone(Text("The official has not bound a WeChat account yet."))
    give_password_login(actor_id=principal.user_id, user_id=official.user_id, username=username, password=password)
    return official


def officials(principal: Principal, *, level: str | None = None, district: str | None = None):
    found = Official.objects.visible_to(principal)
    if level:
        found = found.filter(level=level)
    if district:
        found = found.filter(district_scopes=district)
    return found.order_by("level", "name")


def get_official(principal: Principal, official_id: Any) -> Official:
    return Official.objects.get_visible(principal, OfficialNotFound, id=official_id)


def bind_official(user_id: Any, code: str) -> Official:
    """A WeChat user takes up an official's invitation: the account becomes the official's (role
    `official`); the code works once, before it expires."""
    from backend.accounts.models import User

    official = Official.objects(
        invitation_hash=_code_hash(code), user_id=None, active=True, invitation_expires_at__gt=utcnow()
    ).first()
    if official is None:
        raise InvalidInput(errors={"code": [Text("The invitation code is wrong, used or expired.")]})
    if Official.objects.bound_to(object_id(user_id)).first():
        raise AlreadyDone(Text("This account is bound to an official already."))
    user = User.objects.get(id=object_id(user_id))
    if user.role != "citizen" or Membership.objects(user_id=user.id).first():
        raise Forbidden(Text("Bind an account that holds no business and no other role."))
    bound = change_state(
        Official.objects,
        official.id,
        action="bound",
        actor_id=user_id,
        target_type="official",
        conditions={"user_id": None, "invitation_hash": official.invitation_hash},
        updates={"set__user_id": user.id, "unset__invitation_hash": True, "unset__invitation_expires_at": True},
        not_found=OfficialNotFound,
        conflict=AssignmentConflict,
        conflict_message=Text("The invitation code is wrong, used or expired."),
    )
    change_state(
        User.objects,
        user.id,
        action="became_official",
        actor_id=user_id,
        target_type="user",
        updates={"set__role": OFFICIAL},
    )
    Assignment.objects(official_id=bound.id).update(set__official_user_id=user.id)
    SupervisionTask.objects(official_id=bound.id).update(set__official_user_id=user.id)
    return bound


# -- assignments ----------------------------------------------------------------------------------------


def assign(principal: Principal, values: dict) -> Assignment:
    """Pair an official with a business (ending its current pairing: the history stays)."""
    require_manager(principal)
    business = Business.objects(id=object_id(values["business_id"], InvalidInput)).first()
    official = Official.objects(id=object_id(values["official_id"], InvalidInput), active=True).first()
    errors: dict[str, list] = {}
    if business is None or business.status != APPROVED or business.kind == HOUSEHOLD:
        errors["business_id"] = [Text("No approved business with this id.")]
    elif not _covers(principal, list(business.district_scopes)):
        errors["business_id"] = [Text("Outside your districts.")]
    if official is None or not _covers(principal, list(official.district_scopes)):
        errors["official_id"] = [Text("No official of your districts with this id.")]
    if errors:
        raise InvalidInput(errors=errors)
    problem = assignment_problem(official, business)
    if problem:
        raise InvalidInput(errors={"official_id": [problem]})
    return _pair(principal.user_id, official, business, values.get("reason"))


def assignment_problem(
    official: Official, business: Business, profile: tuple[str | None, str | None] | None = None
) -> Text | None:
    """Why this official cannot take this business, or None (`profile`: its scale and risk grade when
    the caller read them for many businesses at once)."""
    if official.district_code not in business.district_scopes:
        return Text("The official's district does not cover the business.")
    scale, risk = profile or _profile(business)
    allowed = eligible_levels(business.kind, scale, risk)
    if official.level not in allowed:
        return Text("A business like this is taken by an official of level {levels}.", levels=", ".join(allowed) or "—")
    return None


def _pair(actor_id: Any, official: Official, business: Business, reason: str | None) -> Assignment:
    today = today_shanghai()
    current = Assignment.objects(business_id=business.id, current=True).first()
    if current is not None:
        if current.official_id == official.id:
            return current  # the same pairing again: nothing changes
        change_state(
            Assignment.objects,
            current.id,
            action="ended",
            actor_id=actor_id,
            target_type="assignment",
            conditions={"current": True},
            updates={"set__current": False, "set__until": today},
            conflict=AssignmentConflict,
        )
    assignment = Assignment(
        official_id=official.id,
        official_user_id=official.user_id,
        official_name=official.name,
        level=official.level,
        business_id=business.id,
        business_name=business.name,
        business_kind=business.kind,
        district_scopes=list(business.district_scopes),
        since=today,
        assigned_by=object_id(actor_id),
        reason=reason,
    )
    try:
        return create_record(assignment, action="assigned", actor_id=actor_id, target_type="assignment")
    except NotUniqueError:
        raise AssignmentConflict(Text("The business was paired meanwhile; reload it.")) from None


def assignments(principal: Principal, *, official_id=None, business_id=None, history: bool = False):
    found = Assignment.objects.visible_to(principal)
    if not history:
        found = found.current()
    if official_id:
        found = found.filter(official_id=object_id(official_id, InvalidInput))
    if business_id:
        found = found.filter(business_id=object_id(business_id, InvalidInput))
    return found.order_by("business_name", "-since")


def unassigned(principal: Principal, *, district: str | None = None):
    """Approved businesses of the districts that no official supervises now."""
    require_manager(principal)
    found = Business.objects(status=APPROVED, kind__ne=HOUSEHOLD)
    scopes = [district] if district else list(principal.districts)
    if principal.role != ADMIN or district:
        found = found.filter(district_scopes__in=scopes)
    paired = Assignment.objects(current=True, business_id__in=found.distinct("id")).distinct("business_id")
    return found.filter(id__nin=paired).order_by("name")


IMPORT_COLUMNS = {"统一社会信用代码": "uscc", "包保干部手机号": "phone", "包保干部姓名": "name", "备注": "reason"}
MAX_IMPORT_ROWS = 20_000


def import_assignments(principal: Principal, rows: list[tuple[int, dict]], progress=None, every: int = 200) -> dict:
    """Pairs from a spreadsheet: every row checked first (the business by USCC, the official by phone
    within your districts, and the rules); any row wrong, nothing is written and the rows are said."""
    require_manager(principal)
    if len(rows) > MAX_IMPORT_ROWS:
        raise InvalidInput(errors={"file": [Text("At most {limit} rows; split the file.", limit=MAX_IMPORT_ROWS)]})
    usccs = {str(row.get("uscc") or "").strip().upper() for _, row in rows}
    phones = {str(row.get("phone") or "").strip() for _, row in rows}
    businesses = {b.uscc: b for b in Business.objects(uscc__in=list(usccs), status=APPROVED)}
    profiles = _profiles([b.id for b in businesses.values()])  # two queries for the file, not two a row
    by_phone = {o.phone: o for o in Official.objects.visible_to(principal).filter(phone__in=list(phones), active=True)}
    errors: dict[str, list] = {}
    pairs = []
    seen: set[str] = set()
    for index, (number, row) in enumerate(rows, start=1):
        if progress and index % every == 0:
            progress("checking", index)
        uscc, phone = str(row.get("uscc") or "").strip().upper(), str(row.get("phone") or "").strip()
        business, official = businesses.get(uscc), by_phone.get(phone)
        problem = None
        if business is None or not _covers(principal, list(business.district_scopes)):
            problem = Text("No approved business of your districts with USCC {uscc}.", uscc=uscc or "—")
        elif official is None:
            problem = Text("No official of your districts with phone {phone}.", phone=phone or "—")
        elif uscc in seen:
            problem = Text("The business is named twice in the file.")
        else:
            problem = assignment_problem(official, business, profiles.get(business.id, (None, None)))
        if problem:
            errors[f"row {number}"] = [problem]
        else:
            seen.add(uscc)
            pairs.append((official, business, row.get("reason")))
    if errors:
        raise InvalidInput(Text("Nothing was imported: {count} rows are wrong.", count=len(errors)), errors=errors)
    changed = 0
    for index, (official, business, reason) in enumerate(pairs, start=1):
        if progress and index % every == 0:
            progress("pairing", index)
        current = Assignment.objects(business_id=business.id, current=True).only("official_id").first()
        if current is not None and current.official_id == official.id:
            continue  # paired so already: nothing changes
        _pair(principal.user_id, official, business, reason or "批量导入")
        changed += 1
    return {"rows": len(rows), "paired": changed}


# -- pledges ------------------------------------------------------------------------------------------


def current_text(kind: str) -> dict:
    text = pledge_texts()[kind]
    return {**text, "sha256": hashlib.sha256(text["text"].encode()).hexdigest()}


def pledges_to_sign(user_id: Any) -> list[dict]:
    """What this account signs: as an official, its own pledge; as an owner, one per business it heads.
    Each with the current text and whether that version is signed."""
    wanted: list[tuple[str, Any, list[str], str]] = []
    official = Official.objects.bound_to(object_id(user_id, PledgeNotFound)).first()
    if official is not None:
        wanted.append(("official", official.id, list(official.district_scopes), official.name))
    owned = Membership.objects(user_id=object_id(user_id), role=OWNER).distinct("business_id")
    for business in Business.objects(id__in=owned, status=APPROVED).only("name", "district_scopes"):
        wanted.append(("business", business.id, list(business.district_scopes), business.name))
    found = []
    for kind, subject_id, _scopes, name in wanted:
        text = current_text(kind)
        signed = Pledge.objects(kind=kind, subject_id=subject_id, text_version=text["version"]).first()
        found.append({"kind": kind, "subject_id": subject_id, "subject_name": name, "text": text, "signed": signed})
    return found


def sign_pledge(user_id: Any, values: dict, device: str | None) -> Pledge:
    """Sign the current text (its version and hash must be the ones shown): once per version; for your
    own official record, or a business you head."""
    kind, subject_id = values["kind"], object_id(values["subject_id"], PledgeNotFound)
    mine = {(entry["kind"], entry["subject_id"]): entry for entry in pledges_to_sign(user_id)}
    entry = mine.get((kind, subject_id))
    if entry is None:
        raise PledgeNotFound()  # someone else's: not yours to sign
    text = entry["text"]
    if values["text_version"] != text["version"] or values["text_sha256"] != text["sha256"]:
        raise AlreadyDone(Text("The pledge's text has changed: read the current one and sign again."))
    if entry["signed"] is not None:
        raise AlreadyDone(Text("Signed already on {day}.", day=entry["signed"].signed_at.date()))
    if kind == "official":
        scopes = list(Official.objects.get(id=subject_id).district_scopes)
    else:
        scopes = list(Business.objects.get(id=subject_id).district_scopes)
    pledge = Pledge(
        kind=kind,
        subject_id=subject_id,
        district_scopes=scopes,
        user_id=object_id(user_id),
        signed_name=values["signed_name"],
        text_version=text["version"],
        text_sha256=text["sha256"],
        device=(device or "")[:200],
        signed_at=utcnow(),
    )
    try:
        return create_record(pledge, action="signed", actor_id=user_id, target_type="pledge")
    except NotUniqueError:
        raise AlreadyDone(Text("Signed already.")) from None


def pledge_pdf(user_id: Any, pledge_id: Any) -> tuple[Pledge, bytes]:
    """The signed pledge, printable: the text signed, who, when, from which device, and its hash."""
    from backend.core.pdf import OfficialDocument, render
    from backend.core.timeutil import to_shanghai

    pledge = Pledge.objects(id=object_id(pledge_id, PledgeNotFound), user_id=object_id(user_id)).first()
    if pledge is None:
        raise PledgeNotFound()
    texts = pledge_texts()[pledge.kind]
    signed_at = to_shanghai(pledge.signed_at)
    document = OfficialDocument(
        title=texts["title"],
        number=f"第 {pledge.text_version} 版 · {str(pledge.id)[-8:].upper()}",
        authority="智慧食安 · 食品安全包保",
        sections=[("承诺内容", texts["text"])],
        rows=[
            ("承诺人", pledge.signed_name),
            ("签署时间", signed_at.strftime("%Y年%m月%d日 %H:%M")),
            ("签署设备", pledge.device or "—"),
            ("文本校验值（SHA-256）", pledge.text_sha256),
        ],
        signatures=[f"承诺人：{pledge.signed_name}"],
        dated=f"{signed_at.year}年{signed_at.month}月{signed_at.day}日",
    )
    return pledge, render(document)


# -- tasks --------------------------------------------------------------------------------------------


def _due_days(period: Period, count: int) -> list[date]:
    """`count` due days spread over the quarter: the last day of each equal part."""
    days = (period.end - period.start).days + 1
    return [period.start + timedelta(days=days * (index + 1) // count - 1) for index in range(count)]


def generate_tasks(quarter: str, scopes: list[str] | None = None) -> int:
    """The quarter's tasks for every current pairing (of the districts `scopes`, or all): more, and on
    site, for high-risk businesses; safe to run again or at once (one task per pairing, quarter and
    number)."""
    from backend.inspections.models import RiskGrade

    period = Period.parse(quarter)
    made = 0
    pairings = Assignment.objects(current=True)
    if scopes is not None:
        pairings = pairings.filter(district_scopes__in=scopes)
    for assignment in pairings:
        grade = RiskGrade.objects(id=assignment.business_id).only("level").first()
        count, on_site = tasks_per_quarter(grade.level if grade else None)
        for seq, due_on in enumerate(_due_days(period, count), start=1):
            if SupervisionTask.objects(assignment_id=assignment.id, quarter=quarter, seq=seq).first():
                continue
            task = SupervisionTask(
                assignment_id=assignment.id,
                official_id=assignment.official_id,
                official_user_id=assignment.official_user_id,
                official_name=assignment.official_name,
                level=assignment.level,
                business_id=assignment.business_id,
                business_name=assignment.business_name,
                district_scopes=list(assignment.district_scopes),
                quarter=quarter,
                seq=seq,
                due_on=due_on,
                on_site_required=on_site,
            )
            try:
                create_record(task, action="planned", actor_id=None, target_type="supervision_task")
                made += 1
            except NotUniqueError:
                continue  # another run made it meanwhile
    return made


def plan_quarter(principal: Principal, quarter: str) -> int:
    require_manager(principal)
    return generate_tasks(quarter, None if principal.role == ADMIN else list(principal.districts))


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def tasks_for(principal: Principal, *, quarter: str | None = None, status: str | None = None, overdue=False):
    found = SupervisionTask.objects.visible_to(principal)
    if quarter:
        found = found.of_quarter(quarter)
    if overdue:
        found = found.overdue(today_shanghai())
    elif status:
        found = found.filter(status=status)
    return found.order_by("due_on", "business_name")


def get_task(principal: Principal, task_id: Any) -> SupervisionTask:
    return SupervisionTask.objects.get_visible(principal, TaskNotFound, id=task_id)


def complete_task(principal: Principal, task_id: Any, values: dict) -> SupervisionTask:
    """Done on site (the checklist, at least one photo and where it was done) or remotely (the
    checklist, from the supervision view); a past quarter's task only within the backfill window.
    Findings: a minor risk opens a rectification the business fixes; a violation goes to the 食安办."""
    from backend.inspections.services import open_rectification

    if principal.role != OFFICIAL:
        raise Forbidden(Text("Only the paired official completes a supervision task."))
    task = get_task(principal, task_id)
    if task.status == DONE:
        raise AlreadyDone(Text("This task was completed on {day}.", day=task.done_at.date()))
    today = today_shanghai()
    last_day = Period.parse(task.quarter).end
    window = context.settings().SUPERVISION_BACKFILL_DAYS
    if today > last_day + timedelta(days=window):
        raise AlreadyDone(
            Text("The quarter ended on {day}: its tasks are recorded within {days} days.", day=last_day, days=window)
        )
    mode = values["mode"]
    errors: dict[str, list] = {}
    if mode == REMOTE and task.on_site_required:
        errors["mode"] = [Text("This business is high-risk: supervise it on site.")]
    if mode == ON_SITE and (values.get("latitude") is None or values.get("longitude") is None):
        errors["latitude"] = [Text("On site, the position where it was done.")]
    if mode == ON_SITE and not task.photos:
        errors["photos"] = [Text("On site, at least one photo.")]
    codes = [item["code"] for item in checklist()["items"]]
    given = {result["item"]: result for result in values.get("results") or []}
    missing = [code for code in codes if code not in given]
    unknown = [code for code in given if code not in codes]
    if missing or unknown:
        errors["results"] = [
            Text(
                "Every checklist item once: missing {missing}; unknown {unknown}.",
                missing=", ".join(missing) or "—",
                unknown=", ".join(unknown) or "—",
            )
        ]
    if errors:
        raise InvalidInput(errors=errors)
    business = Business.objects.get(id=task.business_id)
    findings = []
    for found in values.get("findings") or []:
        finding = Finding(kind=found["kind"], note=found["note"])
        if found["kind"] == MINOR:
            finding.rectification_id = open_rectification(
                task_id=task.id, business=business, item="supervision", text=found["note"], actor_id=principal.user_id
            ).id
        findings.append(finding)
    done = change_state(
        SupervisionTask.objects,
        task.id,
        action="completed",
        actor_id=principal.user_id,
        target_type="supervision_task",
        from_statuses=(OPEN,),
        to_status=DONE,
        updates={
            "set__mode": mode,
            "set__checklist_version": checklist()["version"],
            "set__results": [
                ItemResult(item=code, result=given[code]["result"], note=given[code].get("note")) for code in codes
            ],
            "set__latitude": values.get("latitude"),
            "set__longitude": values.get("longitude"),
            "set__done_at": utcnow(),
            "set__findings": findings,
        },
        expected_version=values.get("version"),
        not_found=TaskNotFound,
        conflict=AlreadyDone,
    )
    for index, finding in enumerate(done.findings):
        if finding.kind == VIOLATION:
            _hand_over(principal, done, index, finding, list(done.photos) + list(done.captures))
    return SupervisionTask.objects.get(id=done.id)


def _hand_over(principal: Principal, task: SupervisionTask, index: int, finding: Finding, evidence: list[str]) -> None:
    handover = Handover(
        task_id=task.id,
        business_id=task.business_id,
        business_name=task.business_name,
        district_scopes=list(task.district_scopes),
        official_user_id=object_id(principal.user_id),
        note=finding.note,
        evidence=evidence[:18],
    )
    create_record(handover, action="handed_over", actor_id=principal.user_id, target_type="handover")
    SupervisionTask.objects(id=task.id).update_one(**{f"set__findings__{index}__handover_id": handover.id})


def _open_task_of(principal: Principal, task_id: Any) -> SupervisionTask:
    if principal.role != OFFICIAL:
        raise Forbidden()
    task = get_task(principal, task_id)
    if task.status != OPEN:
        raise AlreadyDone(Text("This task was completed on {day}.", day=task.done_at.date()))
    return task


def _keep_with_task(principal: Principal, task: SupervisionTask, *, action: str, field: str, sha256: str):
    """One more picture kept with the open task; at most 9 of a kind, two at once included (the count
    is a condition of the write, not a read before it)."""
    return change_state(
        SupervisionTask.objects,
        task.id,
        action=action,
        actor_id=principal.user_id,
        target_type="supervision_task",
        from_statuses=(OPEN,),
        conditions={"__raw__": {f"{field}.8": {"$exists": False}}},
        updates={f"push__{field}": sha256},
        not_found=TaskNotFound,
        conflict=AlreadyDone,
        conflict_message=Text("At most {limit} photos.", limit=9),
    )


def add_photo(principal: Principal, task_id: Any, data: bytes) -> SupervisionTask:
    """A photo taken on site, kept with the open task."""
    from backend.blobs import services as blobs

    task = _open_task_of(principal, task_id)
    if len(task.photos) >= 9:
        raise InvalidInput(errors={"file": [Text("At most {limit} photos.", limit=9)]})
    stored = blobs.store_upload(data, allowed=(blobs.JPEG, blobs.PNG, blobs.WEBP), profile=blobs.PHOTO)
    return _keep_with_task(principal, task, action="photo_added", field="photos", sha256=stored.sha256)


def capture_for_task(principal: Principal, task_id: Any, camera_id: Any) -> SupervisionTask:
    """A remote visit keeps the camera's latest frame (as captured) with the task, as on the wall."""
    from backend.cameras import services as cameras

    task = _open_task_of(principal, task_id)
    sha = cameras.keep_latest_frame(task.business_id, camera_id)
    return _keep_with_task(principal, task, action="frame_captured", field="captures", sha256=sha)


REMIND_DAYS_BEFORE = 7  # an open task is announced to its official this many days before it is due


def remind_officials(today: date | None = None) -> int:
    """WeChat subscribe messages to officials: a task due within REMIND_DAYS_BEFORE days, and a task
    overdue, each once (the notification's unique key), however often this runs."""
    from backend.accounts.models import User
    from backend.notifications.services import notify

    today = today or today_shanghai()
    template = context.settings().WECHAT_TEMPLATE_SUPERVISION
    open_tasks = SupervisionTask.objects(status=OPEN, due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE))
    users = {u.id: u for u in User.objects(id__in=open_tasks.distinct("official_user_id"), is_active=True)}
    sent = 0
    for task in open_tasks.only("official_user_id", "business_id", "business_name", "due_on", "quarter"):
        user = users.get(task.official_user_id)
        if user is None or not user.openid:
            continue
        stage = "overdue" if task.due_on < today else "due"
        note = notify(
            dedupe_key=f"supervision:{stage}:{task.id}:{user.id}",
            kind=f"supervision_{stage}",
            business_id=task.business_id,
            user=user,
            template=template,
            data={
                "thing1": (task.business_name or "")[:20],
                "date2": task.due_on.isoformat(),
                "thing3": "包保督导已逾期，请尽快完成" if stage == "overdue" else "包保督导即将到期",
            },
            page=f"pages/official/task?id={task.id}",
        )
        sent += note is not None
    return sent


def sweep() -> dict:
    """The daily run (`python -m backend.supervision sweep`, cron; the embedded demo runs it with the
    reminders): this quarter's tasks made for new pairings, and officials reminded."""
    return {"tasks_created": generate_tasks(quarter_of(today_shanghai())), "reminders_sent": remind_officials()}


# -- the remote view (足不出户) ------------------------------------------------------------------------


def business_overview(principal: Principal, business_id: Any) -> dict:
    """What an official sees of a business paired with them, from anywhere: its cameras' latest
    snapshots and statuses, open camera problems and rectifications, the daily checks, staff and
    certificates, and recent samples. Another business does not exist (404)."""
    assignment = (
        Assignment.objects.visible_to(principal)
        .current()
        .filter(business_id=object_id(business_id, OfficialNotFound))
        .first()
    )
    if assignment is None:
        raise OfficialNotFound(Text("No such business among yours."))
    return overview_of(Business.objects.get(id=assignment.business_id))


def overview_of(business: Business) -> dict:
    """A business from afar: cameras, open problems and rectifications, daily checks, staff, samples."""
    from backend.cameras import services as cameras
    from backend.inspections.models import Rectification
    from backend.routine.models import DailyCheck
    from backend.sampling.models import Sample
    from backend.staff.services import handler_statuses, safety_team

    today = today_shanghai()
    checks = DailyCheck.objects(business_id=business.id, day__gte=today - timedelta(days=6)).only("day")
    handlers = handler_statuses([business.id], today)
    return {
        "business": business,
        "cameras": cameras.supervision_view(business.id),
        "camera_problems": list(cameras.open_problems(business.id)[:20]),
        "rectifications": list(Rectification.objects(business_id=business.id).unfinished().order_by("deadline")[:20]),
        "daily_checks": {"days_checked": len({c.day for c in checks}), "of_days": 7},
        "staff": {
            "food_handlers": len(handlers),
            "without_valid_certificate": sum(1 for handler in handlers if not handler.may_handle_food),
            "team_problems": safety_team(business).problems,  # 三类人
        },
        "samples": list(Sample.objects(business_id=business.id).order_by("-sampled_on")[:10]),
    }


def snapshot(principal: Principal, business_id: Any, camera_id: Any) -> bytes:
    """A camera's latest snapshot (faces blurred), of a business paired with the official."""
    from backend.cameras import services as cameras

    if (
        not Assignment.objects.visible_to(principal)
        .current()
        .filter(business_id=object_id(business_id, OfficialNotFound))
        .first()
    ):
        raise OfficialNotFound(Text("No such business among yours."))
    return cameras.blurred_snapshot(business_id, camera_id)


# -- handovers ----------------------------------------------------------------------------------------


def handovers(principal: Principal, *, status: str | None = None):
    require_manager(principal)
    found = Handover.objects.visible_to(principal)
    if status:
        found = found.filter(status=status)
    return found.order_by("-created_at")


def decide_handover(principal: Principal, handover_id: Any, values: dict) -> Handover:
    """The 食安办 passes a violation to the regulators (a lead for enforcement) or returns it."""
    require_manager(principal)
    handover = Handover.objects.get_visible(principal, HandoverNotFound, id=handover_id)
    passed = values["pass_on"]
    decided = change_state(
        Handover.objects,
        handover.id,
        action="passed_on" if passed else "returned",
        actor_id=principal.user_id,
        target_type="handover",
        from_statuses=(PENDING,),
        to_status=PASSED if passed else RETURNED,
        updates={
            "set__decided_by": object_id(principal.user_id),
            "set__decided_at": utcnow(),
            "set__reason": values["reason"],
        },
        expected_version=values.get("version"),
        not_found=HandoverNotFound,
        conflict=AlreadyDone,
    )
    if passed:
        domains.announce(
            "violation_suspected",
            kind="supervision",
            source_id=str(decided.id),
            business_id=decided.business_id,
            summary=f"包保督导发现违法违规，食安办移交：{decided.note[:600]}（{values['reason'][:200]}）",
            evidence=list(decided.evidence),
        )
    return decided
