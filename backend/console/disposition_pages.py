"""`/console/dispositions`: the handling of failed samples (不合格食品核查处置) as regulators follow it — the
cases of their districts, open first by deadline, and a page per case with what the business did, its
re-test request (accepted, or refused with the reason) and the re-test's result, and the closing with
its outcome. Forms carry the console's CSRF token; a refusal is shown beside its field; a case changed
meanwhile is a 409 page. Everything goes through the sampling services' case rules."""

from __future__ import annotations

from flask import Blueprint, redirect, request

from backend.console.indicator_pages import render_page, signed_in_page
from backend.console.page_session import confirmed, exported, field_problems, form_allowed, listing
from backend.core.errors import InvalidInput
from backend.core.principal import Principal
from backend.core.timeutil import today_shanghai
from backend.sampling import cases
from backend.sampling.models import ACTIONS, OUTCOMES, VERDICT_LABELS, VERDICTS
from backend.workflow.errors import TransitionConflict

blp = Blueprint("console_disposition_pages", __name__)
PER_PAGE = 20
RETEST_STATES = {"requested": "待决定", "accepted": "已同意，待复检结果", "declined": "不予复检", "retested": "已复检"}
NOTICES = {"decided": "已决定复检申请。", "result": "已记录复检结果。", "closed": "已办结。"}


@blp.get("/console/dispositions.csv")
@signed_in_page
def dispositions_csv(principal: Principal):
    return exported(
        cases.cases_for_regulator(principal, overdue=request.args.get("overdue") == "1"),
        ["抽样单号", "经营主体", "食品", "不合格项目", "期限", "状态", "结果"],
        lambda c: (
            c.sampling_number,
            c.business_name,
            c.food_name,
            "、".join(c.failed_items),
            c.deadline,
            "办理中" if c.status == "open" else "已办结",
            OUTCOMES.get(c.outcome, c.outcome or ""),
        ),
        "dispositions.csv",
    )


@blp.get("/console/dispositions")
@signed_in_page
def dispositions_page(principal: Principal):
    overdue = request.args.get("overdue") == "1"
    shown = listing(cases.cases_for_regulator(principal, overdue=overdue), PER_PAGE)
    return render_page(
        "console/dispositions.html",
        principal,
        **shown,
        overdue=overdue,
        today=today_shanghai(),
    )


def _detail(principal: Principal, case_id: str, code: int = 200, **values):
    case = cases.get_case_for_regulator(principal, case_id)
    return render_page(
        "console/disposition.html",
        principal,
        code,
        case=case,
        actions=ACTIONS,
        outcomes=OUTCOMES,
        verdicts={v: VERDICT_LABELS[v] for v in VERDICTS},
        retest_states=RETEST_STATES,
        today=today_shanghai(),
        notice=NOTICES.get(request.args.get("done", "")),
        errors=values.pop("errors", {}),
        **values,
    )


@blp.get("/console/dispositions/<string:case_id>")
@signed_in_page
def disposition_page(principal: Principal, case_id: str):
    return _detail(principal, case_id)


def _step(principal: Principal, case_id: str, done: str, call):
    if not form_allowed():
        return _detail(principal, case_id, 403, problem="form")
    try:
        call()
    except TransitionConflict as error:
        return _detail(principal, case_id, 409, problem="taken", errors=field_problems(error, "case"))
    except InvalidInput as error:
        return _detail(principal, case_id, 422, errors=field_problems(error, "case"))
    return redirect(f"/console/dispositions/{case_id}?done={done}", code=303)


@blp.post("/console/dispositions/<string:case_id>/retest-decision")
@signed_in_page
def decide(principal: Principal, case_id: str):
    accept = request.form.get("accept") == "yes"
    note = (request.form.get("note") or "").strip()[:1000] or None
    return _step(
        principal, case_id, "decided", lambda: cases.decide_retest(principal, case_id, accept=accept, note=note)
    )


@blp.post("/console/dispositions/<string:case_id>/retest-result")
@signed_in_page
def result(principal: Principal, case_id: str):
    verdicts = {
        key.removeprefix("verdict-"): value
        for key, value in request.form.items()
        if key.startswith("verdict-") and value in VERDICTS
    }
    lab = (request.form.get("lab") or "").strip()[:200]
    if not lab:
        return _detail(principal, case_id, 422, errors={"lab": "请填写复检机构。"})
    return _step(
        principal, case_id, "result", lambda: cases.record_retest_result(principal, case_id, verdicts=verdicts, lab=lab)
    )


@blp.post("/console/dispositions/<string:case_id>/close")
@signed_in_page
def close(principal: Principal, case_id: str):
    if not form_allowed():
        return _detail(principal, case_id, 403, problem="form")
    outcome = request.form.get("outcome", "")
    note = (request.form.get("note") or "").strip()[:2000]
    if not note:
        return _detail(principal, case_id, 422, errors={"close_note": "请填写办结说明。"})
    if not confirmed():
        return _detail(principal, case_id, 422, errors={"confirmed": "unconfirmed"}, typed_note=note)
    return _step(principal, case_id, "closed", lambda: cases.close_case(principal, case_id, outcome=outcome, note=note))
