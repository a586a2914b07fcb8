"""Sampling: result imports, failed-sample disposition (核查处置) with re-tests (复检), rapid tests (快检),
announcements and the public results, KPIs. Every rule of the domain lives here.

Deadlines (DOMAIN-RULES, settings): a re-test may be requested until the end of the
RETEST_REQUEST_WORKING_DAYS-th working day after the business was notified (RAPID_RETEST_HOURS hours
after a failed rapid test, by a method that is not rapid), never for microbiological items; the
regulator decides within RETEST_DECISION_WORKING_DAYS working days; a case closes within
DISPOSITION_DAYS days of opening (moved to the next working day when it falls on a rest day).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from mongoengine import NotUniqueError

from backend.blobs.store import blob_store
from backend.core import context, districts, tables
from backend.core.calendar import current_calendar
from backend.core.errors import Forbidden, InvalidInput, PayloadTooLarge, UnsupportedMediaType
from backend.core.ids import object_id
from backend.core.jobs import enqueue
from backend.core.principal import ADMIN, REGULATOR, Principal
from backend.core.text import Text
from backend.core.timeutil import SHANGHAI, today_shanghai, utcnow
from backend.notifications.services import notify_business
from backend.public_card import services as cards
from backend.registry.services import get_for_member
from backend.routine.models import RoutinePhoto
from backend.sampling import reading
from backend.sampling.errors import CaseConflict, CaseNotFound, ImportNotFound, RetestNotAllowed, SampleNotFound
from backend.sampling.models import (
    ACCEPTED,
    ACTIONS,
    CLOSED,
    DECLINED,
    FAIL,
    OPEN,
    OUTCOMES,
    PASS,
    REQUESTED,
    RETESTED,
    SOURCE_RAPID,
    SOURCE_SAMPLE,
    VERDICT_LABELS,
    Announcement,
    CaseAction,
    DispositionCase,
    DistrictResidents,
    RapidTest,
    RetestRequest,
    Sample,
    SamplingImport,
)
from backend.workflow.errors import TransitionConflict
from backend.workflow.services import change_state, create_record, upsert_record

log = logging.getLogger(__name__)

CARD_SECTION = "test_results"
CARD_RESULTS = 5
IMPORT_JOB = "backend.sampling.importing.run_import"
MAX_ANNOUNCED_NUMBERS = 1000
MAX_EXPORT_ROWS = 20_000


# -- imports ---------------------------------------------------------------------------------------


def _scope_district(principal: Principal, district: str | None) -> str:
    """The district a file's unregistered sampled units belong to: given, or the regulator's only one."""
    if district is None:
        if principal.role == REGULATOR and len(principal.districts) == 1:
            return next(iter(principal.districts))
        raise InvalidInput(errors={"district": [Text("Required: the district (GB/T 2260 code) of the sampled units.")]})
    if not districts.is_known(district):
        raise InvalidInput(errors={"district": [Text("Not a known district code.")]})
    if principal.role != ADMIN and not districts.any_covers(principal.districts, district):
        raise Forbidden(Text("The district is outside yours."))
    return district


def start_import(
    principal: Principal, *, filename: str, data: bytes, district: str | None, mode: str, background: bool = True
) -> SamplingImport:
    """Check the file's shape now (type, encoding, header row, size), store it, queue the job (unless
    `background` is False: the caller then runs `importing.run_import` itself, as the CLI does)."""
    settings = context.settings()
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise PayloadTooLarge(
            Text(
                "The file is larger than {import_max_bytes} MB; split it.",
                import_max_bytes=settings.IMPORT_MAX_BYTES // (1024 * 1024),
            )
        )
    if not data:
        raise InvalidInput(errors={"file": [Text("The file is empty.")]})
    district = _scope_district(principal, district)
    file_format = reading.sniff_format(data)
    from backend.blobs.services import sniff

    if sniff(data) is not None:
        raise UnsupportedMediaType(Text("Import CSV (UTF-8 or GBK) or XLSX files; this is an image or a PDF."))
    source = reading.open_source(data, file_format, settings.IMPORT_MAX_ROWS)
    unknown = list(source.columns.unknown)
    if file_format == reading.XLSX:
        _close(source)
    digest = blob_store().put(data)
    record = SamplingImport(
        filename=(filename or "upload")[:200],
        file_sha256=digest,
        file_format=file_format,
        size=len(data),
        mode=mode,
        district_code=district,
        district_scopes=districts.enclosing_codes(district),
        importer_id=object_id(principal.user_id),
        importer_districts=sorted(principal.districts),
        importer_admin=principal.role == ADMIN,
        unknown_columns=unknown[:100],
        rows_total=source.total,
    )
    create_record(record, action="created", actor_id=principal.user_id, target_type="sampling_import")
    if background:
        enqueue(
            IMPORT_JOB,
            str(record.id),
            job_id=str(record.id),
            timeout=settings.IMPORT_JOB_TIMEOUT,
            description=f"import {record.filename}",
        )
    return record


def _close(source: reading.Source) -> None:
    rows = source._rows
    if hasattr(rows, "close"):
        rows.close()


def get_import(principal: Principal, import_id: Any) -> SamplingImport:
    return SamplingImport.objects.get_visible(principal, ImportNotFound, id=import_id)


def list_imports(principal: Principal):
    return SamplingImport.objects.visible_to(principal).order_by("-created_at")


def samples_for(principal: Principal, *, verdict=None, business_id=None, import_id=None, announced=None, q=None):
    found = Sample.objects.visible_to(principal)
    if verdict:
        found = found.filter(verdict=verdict)
    if business_id:
        found = found.filter(business_id=object_id(business_id))
    if import_id:
        found = found.filter(import_ids=object_id(import_id))
    if announced is not None:
        found = found.filter(announcement_id__ne=None) if announced else found.filter(announcement_id=None)
    if q:
        found = found.filter(food_name__icontains=q)
    return found.order_by("-sampled_on")


def get_sample(principal: Principal, sampling_number: str) -> Sample:
    return Sample.objects.get_visible(principal, SampleNotFound, sampling_number=sampling_number)


# -- disposition cases -----------------------------------------------------------------------------


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


def case_deadline(opened_on: date) -> tuple[date, bool]:
    """DISPOSITION_DAYS after opening, on a working day; and whether the calendar had to guess."""
    calendar = current_calendar()
    deadline = opened_on + timedelta(days=context.settings().DISPOSITION_DAYS)
    while not calendar.is_working_day(deadline):
        deadline += timedelta(days=1)
    return deadline, calendar.provisional(opened_on, deadline)


def retest_request_deadline(notified_on: date) -> datetime:
    return _end_of_day(current_calendar().add_working_days(notified_on, context.settings().RETEST_REQUEST_WORKING_DAYS))


def _open_case(case: DispositionCase, actor_id: Any) -> bool:
    try:
        create_record(case, action="opened", actor_id=actor_id, target_type="disposition_case")
    except NotUniqueError:
        return False  # opened before: a re-import or a job run twice
    if case.business_id:
        notify_business(
            case.business_id,
            dedupe_key=f"case:{case.id}",
            kind="sample_failed",
            template=context.settings().WECHAT_TEMPLATE_SAMPLE_FAILED,
            data={
                "thing1": case.food_name[:20],
                "thing2": "、".join(case.failed_items)[:20],
                "date3": case.retest_request_by.astimezone(SHANGHAI).date().isoformat(),
            },
            page=f"pages/sampling/case?business={case.business_id}&case={case.id}",
        )
    return True


def open_cases_for(samples: Iterable[dict], *, actor_id: Any) -> int:
    """A case for each failed sample (from the import's write path, as stored documents)."""
    opened = 0
    today = today_shanghai()
    now = utcnow()
    for son in samples:
        failed = [i["item"] for i in son["items"] if (i.get("retest_verdict") or i["verdict"]) == FAIL]
        if not failed:
            continue
        micro = {i["item"] for i in son["items"] if i.get("microbiological")}
        deadline, provisional = case_deadline(today)
        scopes = sorted({*son.get("district_scopes", []), *son.get("producer_district_scopes", [])})
        case = DispositionCase(
            id=f"S-{son['_id']}",
            source=SOURCE_SAMPLE,
            sampling_number=son["_id"],
            business_id=son.get("business_id"),
            business_name=son["business_name"],
            district_scopes=scopes,
            food_name=son["food_name"],
            failed_items=failed,
            microbiological_only=all(item in micro for item in failed),
            opened_at=now,
            notified_on=today,
            retest_request_by=retest_request_deadline(today),
            deadline=deadline,
            deadline_provisional=provisional,
        )
        opened += _open_case(case, actor_id)
    return opened


def cases_for_regulator(principal: Principal, *, status=None, overdue=False, business_id=None):
    found = DispositionCase.objects.visible_to(principal)
    if overdue:
        found = found.overdue(today_shanghai())
    elif status:
        found = found.filter(status=status)
    if business_id:
        found = found.filter(business_id=object_id(business_id))
    return found.order_by("status", "deadline")


def get_case_for_regulator(principal: Principal, case_id: str) -> DispositionCase:
    return DispositionCase.objects.get_visible(principal, CaseNotFound, id=case_id)


def cases_for_member(user_id: Any, business_id: Any):
    business, _role = get_for_member(user_id, business_id)
    return DispositionCase.objects.of_business(business.id).order_by("status", "-opened_at")


def get_case_for_member(user_id: Any, business_id: Any, case_id: str) -> DispositionCase:
    business, _role = get_for_member(user_id, business_id)
    found = DispositionCase.objects.of_business(business.id).filter(id=case_id).first()
    if found is None:
        raise CaseNotFound()
    return found


def _case_change(case: DispositionCase, *, action: str, actor_id: Any, updates: dict, to_status=None, conditions=None):
    return change_state(
        DispositionCase.objects,
        case.id,
        action=action,
        actor_id=actor_id,
        target_type="disposition_case",
        from_statuses=(OPEN,),
        to_status=to_status,
        updates=updates,
        conditions=conditions,
        expected_version=case.version,
        not_found=CaseNotFound,
        conflict=CaseConflict,
        after_write=_republish_after_case,
    )


def _republish_after_case(case: DispositionCase) -> None:
    if case.business_id:
        publish_card(case.business_id)


def record_action(
    user_id: Any, business_id: Any, case_id: str, *, action: str, note: str, photos: list[str]
) -> DispositionCase:
    """What the business did: stopped selling, sealed, recalled, found the cause, fixed it, reported."""
    case = get_case_for_member(user_id, business_id, case_id)
    if action not in ACTIONS:
        raise InvalidInput(errors={"action": [Text("One of {items}.", items=", ".join(ACTIONS))]})
    if RoutinePhoto.objects.missing(case.business_id, photos):
        raise InvalidInput(
            errors={"photos": [Text("A photo was not uploaded for this business (POST …/routine-photos first).")]}
        )
    entry = CaseAction(action=action, note=note, photos=photos, by=object_id(user_id), at=utcnow())
    return _case_change(case, action="action_recorded", actor_id=user_id, updates={"push__actions": entry})


def request_retest(
    user_id: Any, business_id: Any, case_id: str, *, items: list[str] | None, reason: str, lab: str | None
) -> DispositionCase:
    case = get_case_for_member(user_id, business_id, case_id)
    if case.retest is not None:
        raise RetestNotAllowed(Text("A re-test was already requested for this case."))
    if utcnow() > case.retest_request_by:
        raise RetestNotAllowed(
            Text(
                "The time to request a re-test ended at {deadline:%Y-%m-%d %H:%M}.",
                deadline=case.retest_request_by.astimezone(SHANGHAI),
            ),
            errors={"case": [Text("re-test deadline passed")]},
        )
    eligible = _retestable_items(case)
    if not eligible:
        raise RetestNotAllowed(
            Text("Microbiological items are not re-tested."), errors={"items": [Text("microbiological only")]}
        )
    chosen = items or eligible
    if refused := [item for item in chosen if item not in eligible]:
        raise InvalidInput(
            errors={"items": [Text("Not a failed item that may be re-tested: {items}", items=", ".join(refused[:5]))]}
        )
    calendar = current_calendar()
    request = RetestRequest(
        status=REQUESTED,
        items=chosen,
        reason=reason,
        lab=lab,
        requested_by=object_id(user_id),
        requested_at=utcnow(),
        decide_by=calendar.add_working_days(today_shanghai(), context.settings().RETEST_DECISION_WORKING_DAYS),
    )
    return _case_change(
        case, action="retest_requested", actor_id=user_id, updates={"set__retest": request}, conditions={"retest": None}
    )


def _retestable_items(case: DispositionCase) -> list[str]:
    if case.source == SOURCE_RAPID:
        return list(case.failed_items)
    sample = Sample.objects(sampling_number=case.sampling_number).only("items").first()
    micro = {i.item for i in sample.items if i.microbiological} if sample else set()
    return [item for item in case.failed_items if item not in micro]


def decide_retest(principal: Principal, case_id: str, *, accept: bool, note: str | None) -> DispositionCase:
    case = get_case_for_regulator(principal, case_id)
    if case.retest is None or case.retest.status != REQUESTED:
        raise CaseConflict(Text("There is no re-test request waiting for a decision."))
    if not accept and not note:
        raise InvalidInput(errors={"note": [Text("Say why the re-test is refused.")]})
    updates = {
        "set__retest__status": ACCEPTED if accept else DECLINED,
        "set__retest__decided_by": object_id(principal.user_id),
        "set__retest__decided_at": utcnow(),
        "set__retest__decision_note": note,
    }
    return _case_change(
        case,
        action="retest_accepted" if accept else "retest_declined",
        actor_id=principal.user_id,
        updates=updates,
        conditions={"retest__status": REQUESTED},
    )


def record_retest_result(principal: Principal, case_id: str, *, verdicts: dict[str, str], lab: str) -> DispositionCase:
    """The re-test lab's result is final: it replaces the verdict of each re-tested item."""
    case = get_case_for_regulator(principal, case_id)
    if case.retest is None or case.retest.status != ACCEPTED:
        raise CaseConflict(Text("Only an accepted re-test has a result to record."))
    if set(verdicts) != set(case.retest.items):
        raise InvalidInput(
            errors={
                "verdicts": [Text("One verdict for each re-tested item: {items}", items=", ".join(case.retest.items))]
            }
        )
    overall = FAIL if FAIL in verdicts.values() else PASS
    updated = _case_change(
        case,
        action="retest_result",
        actor_id=principal.user_id,
        updates={
            "set__retest__status": RETESTED,
            "set__retest__result_verdict": overall,
            "set__retest__result_at": utcnow(),
            "set__retest__lab": lab,
        },
        conditions={"retest__status": ACCEPTED},
    )
    if case.source == SOURCE_SAMPLE:
        _apply_retest_to_sample(case.sampling_number, verdicts, principal.user_id)
    return updated


def _apply_retest_to_sample(sampling_number: str, verdicts: dict[str, str], actor_id: Any) -> None:
    for _attempt in range(5):
        sample = Sample.objects(sampling_number=sampling_number).first()
        if sample is None:
            return
        before = sample.verdict
        for item in sample.items:
            if item.item in verdicts:
                item.retest_verdict = verdicts[item.item]
        verdict = FAIL if any((i.retest_verdict or i.verdict) == FAIL for i in sample.items) else PASS
        try:
            change_state(
                Sample.objects,
                sample.id,
                action="retested",
                actor_id=actor_id,
                target_type="sample",
                expected_version=sample.version,
                updates={"set__items": sample.items, "set__verdict": verdict},
                audit_extra={"verdict_before": before, "retest_verdicts": verdicts},
                target_id=lambda retested: retested.sampling_number,
            )
        except TransitionConflict:
            continue  # changed meanwhile: read it again
        if sample.business_id and sample.announcement_id:
            publish_card(sample.business_id)
        return
    raise CaseConflict(Text("The sample changed meanwhile; record the result again."))


def close_case(principal: Principal, case_id: str, *, outcome: str, note: str) -> DispositionCase:
    case = get_case_for_regulator(principal, case_id)
    if outcome not in OUTCOMES:
        raise InvalidInput(errors={"outcome": [Text("One of {items}.", items=", ".join(OUTCOMES))]})
    if case.retest is not None and case.retest.status in (REQUESTED, ACCEPTED):
        raise CaseConflict(Text("A re-test is pending: decide it and record its result before closing."))
    if outcome == "no_violation" and not (case.retest and case.retest.result_verdict == PASS):
        raise InvalidInput(errors={"outcome": [Text("no_violation needs a re-test that passed.")]})
    return _case_change(
        case,
        action="closed",
        actor_id=principal.user_id,
        to_status=CLOSED,
        updates={
            "set__outcome": outcome,
            "set__outcome_note": note,
            "set__closed_at": utcnow(),
            "set__closed_by": object_id(principal.user_id),
        },
    )


def case_state_label(case: DispositionCase | None) -> str | None:
    if case is None:
        return None
    if case.status == CLOSED:
        return f"已处置（{OUTCOMES.get(case.outcome, '')}）"
    if case.retest is not None and case.retest.status in (REQUESTED, ACCEPTED):
        return "复检中"
    return "核查处置中"


# -- rapid tests -----------------------------------------------------------------------------------


def record_rapid_test(user_id: Any, business_id: Any, values: dict) -> RapidTest:
    business, _role = get_for_member(user_id, business_id)
    tested_at = values["tested_at"]
    now = utcnow()
    if tested_at > now + timedelta(minutes=5):
        raise InvalidInput(errors={"tested_at": [Text("In the future.")]})
    if tested_at < now - timedelta(days=7):
        raise InvalidInput(
            errors={"tested_at": [Text("More than 7 days ago; rapid tests are entered when they are read.")]}
        )
    photo = values.get("photo")
    if photo and RoutinePhoto.objects.missing(business.id, [photo]):
        raise InvalidInput(errors={"photo": [Text("Not uploaded for this business (POST …/routine-photos first).")]})
    test = RapidTest(
        business_id=business.id,
        district_scopes=list(business.district_scopes),
        food_name=values["food_name"],
        item=values["item"],
        method=values.get("method"),
        verdict=values["verdict"],
        photo=photo,
        operator=values["operator"],
        tested_at=tested_at,
        entered_by=object_id(user_id),
    )
    create_record(test, action="recorded", actor_id=user_id, target_type="rapid_test")
    if test.verdict == FAIL:
        deadline, provisional = case_deadline(today_shanghai())
        hours = context.settings().RAPID_RETEST_HOURS
        _open_case(
            DispositionCase(
                id=f"R-{test.id}",
                source=SOURCE_RAPID,
                rapid_test_id=test.id,
                business_id=business.id,
                business_name=business.name,
                district_scopes=list(business.district_scopes),
                food_name=test.food_name,
                failed_items=[test.item],
                opened_at=now,
                notified_on=today_shanghai(),
                retest_request_by=max(tested_at, now - timedelta(hours=hours)) + timedelta(hours=hours),
                deadline=deadline,
                deadline_provisional=provisional,
            ),
            user_id,
        )
    return test


def rapid_tests_for_member(user_id: Any, business_id: Any):
    business, _role = get_for_member(user_id, business_id)
    return RapidTest.objects(business_id=business.id).order_by("-tested_at")


# -- announcements, the public list, the card ----------------------------------------------------


def announce(
    principal: Principal,
    *,
    number: str,
    title: str,
    announced_on: date,
    district: str | None,
    sampling_numbers: list[str] | None,
    import_id: str | None,
) -> Announcement:
    """Make a batch of results public (公告). Results are never public before this."""
    if bool(sampling_numbers) == bool(import_id):
        raise InvalidInput(
            errors={"sampling_numbers": [Text("Give the sampling numbers or an import_id (one of them).")]}
        )
    if announced_on > today_shanghai():
        raise InvalidInput(errors={"announced_on": [Text("In the future.")]})
    district = _scope_district(principal, district)
    found = Sample.objects.visible_to(principal).filter(announcement_id=None)
    if import_id:
        found = found.filter(import_ids=object_id(import_id))
    else:
        if len(sampling_numbers) > MAX_ANNOUNCED_NUMBERS:
            raise InvalidInput(
                errors={
                    "sampling_numbers": [
                        Text(
                            "At most {max_announced_numbers}; announce an import instead.",
                            max_announced_numbers=MAX_ANNOUNCED_NUMBERS,
                        )
                    ]
                }
            )
        found = found.filter(sampling_number__in=sampling_numbers)
    total = found.count()
    if not total:
        raise InvalidInput(errors={"sampling_numbers": [Text("No unannounced sample of yours matches.")]})
    failed = found.filter(verdict=FAIL).count()
    announcement = Announcement(
        number=number,
        title=title,
        announced_on=announced_on,
        district_code=district,
        district_scopes=districts.enclosing_codes(district),
        city_code=district[:4] + "00",
        samples=total,
        failed=failed,
        announced_by=object_id(principal.user_id),
    )
    create_record(announcement, action="created", actor_id=principal.user_id, target_type="sampling_announcement")
    businesses = [b for b in found.distinct("business_id") if b]
    found.update(set__announcement_id=announcement.id, set__announced_on=announced_on, set__updated_at=utcnow())
    for business_id in businesses:
        publish_card(business_id)
    return announcement


def announcements_for(principal: Principal):
    return Announcement.objects.visible_to(principal).order_by("-announced_on")


def publish_card(business_id: Any) -> None:
    """The card's test results: the latest announced ones and, for a failed one, where its case is."""
    recent = list(
        Sample.objects(business_id=object_id(business_id), announcement_id__ne=None)
        .order_by("-sampled_on")
        .limit(CARD_RESULTS)
    )
    if not recent:
        cards.withdraw_section(business_id, CARD_SECTION)
        return
    failed_numbers = [s.sampling_number for s in recent if s.verdict == FAIL]
    cases = (
        {c.sampling_number: c for c in DispositionCase.objects(id__in=[f"S-{n}" for n in failed_numbers])}
        if failed_numbers
        else {}
    )
    announcements = {a.id: a for a in Announcement.objects(id__in=list({s.announcement_id for s in recent}))}
    entries = []
    for sample in recent:
        announcement = announcements.get(sample.announcement_id)
        entries.append(
            {
                "food_name": sample.food_name,
                "food_category": sample.food_category,
                "sampled_on": sample.sampled_on.isoformat(),
                "verdict": sample.verdict,
                "verdict_label": VERDICT_LABELS[sample.verdict],
                "failed_items": [i.item for i in sample.failed_items],
                "lab": sample.lab,
                "announcement": announcement.number if announcement else None,
                "announced_on": sample.announced_on.isoformat() if sample.announced_on else None,
                "disposition": case_state_label(cases.get(sample.sampling_number)) if sample.verdict == FAIL else None,
            }
        )
    alerts = [
        f"抽检不合格：{e['food_name']}（{'、'.join(e['failed_items'])}），{e['disposition'] or ''}"
        for e in entries
        if e["verdict"] == FAIL
    ]
    cards.publish_section(business_id, CARD_SECTION, {"recent": entries}, alerts=alerts[:3])


def public_results(*, city: str | None, date_from: date | None, date_to: date | None, verdict: str | None):
    found = Sample.objects.announced()
    if city:
        found = found.filter(district_scopes=city)
    if date_from:
        found = found.filter(announced_on__gte=date_from)
    if date_to:
        found = found.filter(announced_on__lte=date_to)
    if verdict:
        found = found.filter(verdict=verdict)
    return found.order_by("-announced_on", "sampling_number")


def announcement_numbers(samples: Iterable[Sample]) -> dict:
    ids = list({s.announcement_id for s in samples if s.announcement_id})
    return {a.id: a for a in Announcement.objects(id__in=ids)} if ids else {}


PUBLIC_COLUMNS = (
    ("index", "序号"),
    ("producer_name", "标称生产企业名称"),
    ("producer_address", "标称生产企业地址"),
    ("business_name", "被抽样单位名称"),
    ("business_address", "被抽样单位地址/所在省份"),
    ("food_name", "食品名称"),
    ("spec", "规格型号"),
    ("brand", "商标"),
    ("production_date", "生产日期/批号"),
    ("failed_items", "不合格项目‖检验结果‖标准值"),
    ("food_category", "分类"),
    ("announcement", "公告号"),
    ("announced_on", "公告日期"),
    ("task_source", "任务来源/项目名称"),
    ("lab", "检验机构"),
    ("remarks", "备注"),
)


def public_row(index: int, sample: Sample, announcements: dict) -> dict:
    announcement = announcements.get(sample.announcement_id)
    failed = "；".join(f"{i.item}‖{i.value or ''}{i.unit or ''}‖{i.standard or ''}" for i in sample.failed_items)
    return {
        "index": index,
        "producer_name": sample.producer_name,
        "producer_address": sample.producer_address,
        "business_name": sample.business_name,
        "business_address": sample.business_address,
        "food_name": sample.food_name,
        "spec": sample.spec,
        "brand": sample.brand,
        "production_date": sample.production_date,
        "failed_items": failed or None,
        "food_category": sample.food_category,
        "announcement": announcement.number if announcement else None,
        "announced_on": sample.announced_on.isoformat() if sample.announced_on else None,
        "task_source": sample.task_source,
        "lab": sample.lab,
        "remarks": sample.remarks,
        "verdict": sample.verdict,
        "verdict_label": VERDICT_LABELS[sample.verdict],
    }


def export_rows(samples) -> list[dict]:
    listed = list(samples.limit(MAX_EXPORT_ROWS + 1))
    if len(listed) > MAX_EXPORT_ROWS:
        raise InvalidInput(
            errors={
                "from": [
                    Text(
                        "More than {max_export_rows} results: choose a shorter period or one city.",
                        max_export_rows=MAX_EXPORT_ROWS,
                    )
                ]
            }
        )
    announcements = announcement_numbers(listed)
    return [public_row(n, s, announcements) for n, s in enumerate(listed, start=1)]


def export_table(rows: list[dict], *, failed: bool) -> tuple[list[str], list[list]]:
    columns = [(k, label) for k, label in PUBLIC_COLUMNS if failed or k != "failed_items"]
    return [label for _k, label in columns], [[tables.neutralise(row[k]) for k, _l in columns] for row in rows]


def export_csv(rows: list[dict]) -> str:
    headers, body = export_table(rows, failed=True)
    return tables.csv_text(
        ["结果", *headers], ([row["verdict_label"], *cells] for row, cells in zip(rows, body, strict=True))
    )


def export_xlsx(rows: list[dict]) -> bytes:
    """Two sheets in the SAMR layout: 不合格 and 合格."""
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, verdict in (("不合格产品信息", FAIL), ("合格产品信息", PASS)):
        sheet = book.create_sheet(title)
        chosen = [r for r in rows if r["verdict"] == verdict]
        for n, row in enumerate(chosen, start=1):
            row["index"] = n
        headers, body = export_table(chosen, failed=verdict == FAIL)
        sheet.append(headers)
        for cells in body:
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- residents and KPIs ----------------------------------------------------------------------------


def set_residents(
    principal: Principal, *, district: str, year: int, residents: int, source: str | None = None
) -> DistrictResidents:
    district = _scope_district(principal, district)
    return upsert_record(
        DistrictResidents,
        {"id": f"{district}-{year}"},
        updates={
            "set__district_code": district,
            "set__year": year,
            "set__residents": residents,
            "set__source": source,
        },
        action="set",
        actor_id=principal.user_id,
        target_type="district_residents",
    )


@dataclass
class KpiRow:
    district_code: str
    district: str
    samples: int
    residents: int | None
    per_thousand: float | None
    pass_rate: float | None


def kpis(principal: Principal, *, year: int, district: str | None = None) -> dict:
    """Per district and year: samples per 1,000 residents; pass rate by food category; disposition
    completion and on-time rates; re-test counts."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    samples = Sample.objects.visible_to(principal).filter(sampled_on__gte=start, sampled_on__lte=end)
    if district:
        samples = samples.filter(district_scopes=district)
    by_district: dict[str, list[int]] = {}
    by_category: dict[str, list[int]] = {}
    for sample in samples.only("district_code", "food_category", "verdict").as_pymongo():
        verdict_pass = 1 if sample["verdict"] == PASS else 0
        by_district.setdefault(sample["district_code"], [0, 0])
        by_district[sample["district_code"]][0] += 1
        by_district[sample["district_code"]][1] += verdict_pass
        by_category.setdefault(sample["food_category"], [0, 0])
        by_category[sample["food_category"]][0] += 1
        by_category[sample["food_category"]][1] += verdict_pass
    residents = {
        r.district_code: r.residents for r in DistrictResidents.objects(year=year, district_code__in=list(by_district))
    }
    district_rows = []
    for code in sorted(by_district):
        total, passed = by_district[code]
        people = residents.get(code)
        district_rows.append(
            {
                "district_code": code,
                "district": districts.full_name(code),
                "samples": total,
                "residents": people,
                "samples_per_thousand": round(total * 1000 / people, 2) if people else None,
                "pass_rate": round(passed / total, 4),
            }
        )
    cases = DispositionCase.objects.visible_to(principal).filter(
        opened_at__gte=_end_of_day(start - timedelta(days=1)), opened_at__lte=_end_of_day(end)
    )
    if district:
        cases = cases.filter(district_scopes=district)
    total_cases = closed = on_time = retests = retests_passed = 0
    for case in cases.only("status", "closed_at", "deadline", "retest"):
        total_cases += 1
        if case.status == CLOSED:
            closed += 1
            if case.closed_at and case.closed_at.astimezone(SHANGHAI).date() <= case.deadline:
                on_time += 1
        if case.retest is not None:
            retests += 1
            retests_passed += case.retest.result_verdict == PASS
    return {
        "year": year,
        "districts": district_rows,
        "categories": [
            {"food_category": name, "samples": counts[0], "pass_rate": round(counts[1] / counts[0], 4)}
            for name, counts in sorted(by_category.items())
        ],
        "dispositions": {
            "cases": total_cases,
            "closed": closed,
            "completion_rate": round(closed / total_cases, 4) if total_cases else None,
            "on_time_rate": round(on_time / closed, 4) if closed else None,
            "overdue_open": cases.filter(status=OPEN, deadline__lt=today_shanghai()).count(),
        },
        "retests": {"requested": retests, "passed": retests_passed},
    }


def kpis_csv(report: dict) -> str:
    rows: list[list] = [
        [
            "district",
            row["district_code"],
            row["district"],
            row["samples"],
            row["residents"],
            row["samples_per_thousand"],
            row["pass_rate"],
        ]
        for row in report["districts"]
    ]
    rows += [
        ["category", "", row["food_category"], row["samples"], "", "", row["pass_rate"]] for row in report["categories"]
    ]
    d = report["dispositions"]
    rows.append(
        [
            "dispositions",
            "",
            "cases/closed/completion/on_time/overdue",
            d["cases"],
            d["closed"],
            d["completion_rate"],
            d["on_time_rate"],
        ]
    )
    rows.append(
        ["retests", "", "requested/passed", report["retests"]["requested"], report["retests"]["passed"], "", ""]
    )
    header = ["section", "key", "name", "samples", "residents", "samples_per_thousand", "pass_rate"]
    return tables.csv_text(header, rows)
