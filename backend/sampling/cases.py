"""Failed samples' disposition (核查处置): a case per failed sample or rapid test, its actions, re-tests
(复检) with their deadlines on the working-day calendar, and closing. Deadlines: see `services`."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from mongoengine import NotUniqueError

from backend.core import context, domains
from backend.core.calendar import current_calendar
from backend.core.errors import InvalidInput
from backend.core.ids import object_id
from backend.core.principal import Principal
from backend.core.text import Text
from backend.core.timeutil import SHANGHAI, today_shanghai, utcnow
from backend.notifications.services import notify_business
from backend.registry.services import get_for_member
from backend.routine.models import RoutinePhoto
from backend.sampling.errors import CaseConflict, CaseNotFound, RetestNotAllowed
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
    CaseAction,
    DispositionCase,
    RetestRequest,
    Sample,
    effective_verdict,
    sample_verdict,
)
from backend.sampling.publishing import publish_card
from backend.workflow.errors import TransitionConflict
from backend.workflow.services import change_state, create_record

log = logging.getLogger(__name__)


# -- disposition cases -----------------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


def case_deadline(opened_on: date) -> tuple[date, bool]:
    """DISPOSITION_DAYS after opening, on a working day; and whether the calendar had to guess."""
    calendar = current_calendar()
    deadline = opened_on + timedelta(days=context.settings().DISPOSITION_DAYS)
    while not calendar.is_working_day(deadline):
        deadline += timedelta(days=1)
    return deadline, calendar.provisional(opened_on, deadline)


def retest_request_deadline(notified_on: date) -> datetime:
    return end_of_day(current_calendar().add_working_days(notified_on, context.settings().RETEST_REQUEST_WORKING_DAYS))


def open_case(case: DispositionCase, actor_id: Any) -> bool:
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
        failed = [i["item"] for i in son["items"] if effective_verdict(i) == FAIL]
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
        opened += open_case(case, actor_id)
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


def cases_for_member(user_id: Any, business_id: Any, *, status: str | None = None):
    business, _role = get_for_member(user_id, business_id)
    found = DispositionCase.objects.of_business(business.id)
    if status:
        found = found.filter(status=status)
    return found.order_by("status", "-opened_at")


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
        raise InvalidInput(errors={"photos": [Text("A photo was not uploaded for this business.")]})
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
        verdict = sample_verdict(sample.items)
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
        if verdict != before:
            domains.announce("risk_input_changed", business_id=sample.business_id)
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
    closed = _case_change(
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
    if outcome == "penalty" and closed.business_id is not None:  # handed to enforcement as a lead
        domains.announce(
            "violation_suspected",
            kind="sample",
            source_id=str(closed.id),
            business_id=closed.business_id,
            summary=f"抽检不合格（{closed.sampling_number or '快检'}）核查处置结论：{OUTCOMES[outcome]}。{note[:500]}",
            evidence=[],
        )
    return closed
