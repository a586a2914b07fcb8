from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.core.schemas import (
    OBJECT_ID,
    SHA256,
    AwareDateTime,
    Date,
    DistrictCode,
    PaginationQuerySchema,
    StrictSchema,
    text,
)
from backend.core.text import stored
from backend.sampling.models import (
    ACTIONS,
    CASE_STATUSES,
    OUTCOMES,
    PARTIAL,
    SAMPLING_TYPES,
    VERDICT_LABELS,
    VERDICTS,
    WHOLE,
    sampling_type,
)

SAMPLING_NUMBER = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9-]{3,39}$", error="4–40 letters, digits or hyphens.")


class ImportFormSchema(StrictSchema):
    district = DistrictCode(
        metadata={"description": "Where the file's unregistered sampled units are (your only district by default)."}
    )
    mode = ma.fields.String(
        load_default=WHOLE,
        validate=validate.OneOf((WHOLE, PARTIAL)),
        metadata={
            "description": "whole: a file with any bad row is refused and nothing is written; "
            "partial: good samples are imported, a sample with a bad row is skipped (never half-imported)."
        },
    )


class RowErrorSchema(ma.Schema):
    row = ma.fields.Integer()
    column = ma.fields.String()
    reason = ma.fields.Function(lambda e: stored(e, "reason"), metadata={"type": "string"})


class ImportSchema(ma.Schema):
    id = ma.fields.String()
    filename = ma.fields.String()
    file_format = ma.fields.String()
    size = ma.fields.Integer()
    mode = ma.fields.String()
    district_code = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["queued", "running", "done", "refused", "failed"]})
    phase = ma.fields.String(
        allow_none=True, metadata={"description": "checking (whole mode, first pass) or importing"}
    )
    rows_total = ma.fields.Integer(allow_none=True)
    rows_done = ma.fields.Integer()
    progress = ma.fields.Function(
        lambda i: (
            round(min(i.rows_done / i.rows_total, 1.0), 4) if i.rows_total else (1.0 if i.status == "done" else 0.0)
        )
    )
    error_count = ma.fields.Integer()
    errors = ma.fields.List(ma.fields.Nested(RowErrorSchema), metadata={"description": "The first 1,000."})
    unknown_columns = ma.fields.List(ma.fields.String(), metadata={"description": "Reported, not imported."})
    summary = ma.fields.Dict()
    changes = ma.fields.List(ma.fields.Dict(), metadata={"description": "The first 200 changed items."})
    message = ma.fields.Function(
        lambda i: stored(i, "message"),
        metadata={"type": "string", "nullable": True, "description": "Why it was refused or failed"},
    )
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)


class SampleItemSchema(ma.Schema):
    item = ma.fields.String()
    value = ma.fields.String(allow_none=True)
    number = ma.fields.Float(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    standard = ma.fields.String(allow_none=True)
    verdict = ma.fields.String()
    retest_verdict = ma.fields.String(allow_none=True)
    microbiological = ma.fields.Boolean()


class SampleSchema(ma.Schema):
    sampling_number = ma.fields.String()
    task_source = ma.fields.String(allow_none=True)
    sampling_type = ma.fields.Function(
        lambda sample: sampling_type(sample.task_source),
        allow_none=True,
        metadata={"enum": list(SAMPLING_TYPES), "description": "from task_source: 监督抽检, 评价性抽检, 风险监测"},
    )
    sampled_on = ma.fields.Date()
    business_id = ma.fields.String(allow_none=True)
    business_name = ma.fields.String()
    business_address = ma.fields.String(allow_none=True)
    registered = ma.fields.Function(lambda s: s.business_id is not None)
    district_code = ma.fields.String()
    producer_name = ma.fields.String(allow_none=True)
    producer_address = ma.fields.String(allow_none=True)
    food_name = ma.fields.String()
    spec = ma.fields.String(allow_none=True)
    brand = ma.fields.String(allow_none=True)
    production_date = ma.fields.String(allow_none=True)
    trace_code = ma.fields.String(allow_none=True)
    food_category = ma.fields.String()
    lab = ma.fields.String()
    report_date = ma.fields.Date()
    remarks = ma.fields.String(allow_none=True)
    items = ma.fields.List(ma.fields.Nested(SampleItemSchema))
    verdict = ma.fields.String()
    verdict_label = ma.fields.Function(lambda s: VERDICT_LABELS[s.verdict])
    announced_on = ma.fields.Date(allow_none=True)


class SampleQuerySchema(PaginationQuerySchema):
    verdict = ma.fields.String(validate=validate.OneOf(VERDICTS))
    business_id = ma.fields.String(validate=OBJECT_ID)
    import_id = ma.fields.String(validate=OBJECT_ID)
    announced = ma.fields.Boolean()
    q = text(50)


class CaseActionSchema(ma.Schema):
    action = ma.fields.String()
    action_label = ma.fields.Function(lambda a: ACTIONS.get(a.action))
    note = ma.fields.String()
    photos = ma.fields.List(ma.fields.String())
    at = ma.fields.DateTime()


class RetestSchema(ma.Schema):
    status = ma.fields.String()
    items = ma.fields.List(ma.fields.String())
    reason = ma.fields.String(allow_none=True)
    lab = ma.fields.String(allow_none=True)
    requested_at = ma.fields.DateTime()
    decide_by = ma.fields.Date()
    decided_at = ma.fields.DateTime(allow_none=True)
    decision_note = ma.fields.String(allow_none=True)
    result_verdict = ma.fields.String(allow_none=True)
    result_at = ma.fields.DateTime(allow_none=True)


class CaseSchema(ma.Schema):
    id = ma.fields.String()
    source = ma.fields.String()
    sampling_number = ma.fields.String(allow_none=True)
    rapid_test_id = ma.fields.String(allow_none=True)
    business_id = ma.fields.String(allow_none=True)
    business_name = ma.fields.String()
    food_name = ma.fields.String()
    failed_items = ma.fields.List(ma.fields.String())
    microbiological_only = ma.fields.Boolean(metadata={"description": "No re-test for microbiological items."})
    status = ma.fields.String(metadata={"enum": list(CASE_STATUSES)})
    opened_at = ma.fields.DateTime()
    notified_on = ma.fields.Date()
    retest_request_by = ma.fields.DateTime()
    deadline = ma.fields.Date()
    deadline_provisional = ma.fields.Boolean()
    actions = ma.fields.List(ma.fields.Nested(CaseActionSchema))
    retest = ma.fields.Nested(RetestSchema, allow_none=True)
    outcome = ma.fields.String(allow_none=True)
    outcome_label = ma.fields.Function(lambda c: OUTCOMES.get(c.outcome) if c.outcome else None)
    outcome_note = ma.fields.String(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    version = ma.fields.Integer()


class CaseQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(CASE_STATUSES))
    overdue = ma.fields.Boolean(load_default=False, metadata={"description": "Open past their deadline."})
    business_id = ma.fields.String(validate=OBJECT_ID)


class MemberCaseQuerySchema(PaginationQuerySchema):
    status = ma.fields.String(validate=validate.OneOf(CASE_STATUSES))


class CaseActionInSchema(StrictSchema):
    action = ma.fields.String(
        required=True,
        validate=validate.OneOf(tuple(ACTIONS)),
        metadata={"description": ", ".join(f"{k} {v}" for k, v in ACTIONS.items())},
    )
    note = text(1000, required=True)
    photos = ma.fields.List(ma.fields.String(validate=SHA256), load_default=list, validate=validate.Length(max=9))


class RetestInSchema(StrictSchema):
    items = ma.fields.List(
        text(100),
        validate=validate.Length(min=1, max=50),
        metadata={"description": "Default: every failed item that may be re-tested."},
    )
    reason = text(1000, required=True)
    lab = text(200, metadata={"description": "The re-test lab you propose (a different one)."})


class RetestDecisionSchema(StrictSchema):
    accept = ma.fields.Boolean(required=True)
    note = text(1000)


class RetestResultSchema(StrictSchema):
    verdicts = ma.fields.Dict(
        keys=text(100),
        values=ma.fields.String(validate=validate.OneOf(VERDICTS)),
        required=True,
        validate=validate.Length(min=1, max=50),
    )
    lab = text(200, required=True)


class CloseCaseSchema(StrictSchema):
    outcome = ma.fields.String(
        required=True,
        validate=validate.OneOf(tuple(OUTCOMES)),
        metadata={"description": ", ".join(f"{k} {v}" for k, v in OUTCOMES.items())},
    )
    note = text(2000, required=True)


class RapidTestInSchema(StrictSchema):
    food_name = text(100, required=True)
    item = text(100, required=True, metadata={"description": "e.g. 有机磷和氨基甲酸酯类农药残留（速测卡）"})
    method = text(100)
    verdict = ma.fields.String(required=True, validate=validate.OneOf(VERDICTS))
    photo = ma.fields.String(validate=SHA256, metadata={"description": "The card, from …/routine-photos."})
    operator = text(32, required=True)
    tested_at = AwareDateTime(required=True)


class RapidTestSchema(ma.Schema):
    id = ma.fields.String()
    food_name = ma.fields.String()
    item = ma.fields.String()
    method = ma.fields.String(allow_none=True)
    verdict = ma.fields.String()
    photo = ma.fields.String(allow_none=True)
    operator = ma.fields.String()
    tested_at = ma.fields.DateTime()


class AnnounceInSchema(StrictSchema):
    number = text(60, required=True, metadata={"description": "公告号"})
    title = text(200, required=True)
    announced_on = Date(required=True)
    district = DistrictCode()
    sampling_numbers = ma.fields.List(
        ma.fields.String(validate=SAMPLING_NUMBER), validate=validate.Length(min=1, max=1000)
    )
    import_id = ma.fields.String(validate=OBJECT_ID)


class AnnouncementSchema(ma.Schema):
    id = ma.fields.String()
    number = ma.fields.String()
    title = ma.fields.String()
    announced_on = ma.fields.Date()
    district_code = ma.fields.String()
    samples = ma.fields.Integer()
    failed = ma.fields.Integer()


class PublicResultsQuerySchema(PaginationQuerySchema):
    city = DistrictCode(metadata={"description": "A city (or district, province) code."})
    date_from = Date(data_key="from")
    date_to = Date(data_key="to")
    verdict = ma.fields.String(validate=validate.OneOf(VERDICTS))


class PublicResultSchema(ma.Schema):
    """One row in the SAMR announcement layout."""

    index = ma.fields.Integer(metadata={"description": "序号"})
    producer_name = ma.fields.String(allow_none=True, metadata={"description": "标称生产企业名称"})
    producer_address = ma.fields.String(allow_none=True, metadata={"description": "标称生产企业地址"})
    business_name = ma.fields.String(metadata={"description": "被抽样单位名称"})
    business_address = ma.fields.String(allow_none=True, metadata={"description": "被抽样单位地址/所在省份"})
    food_name = ma.fields.String(metadata={"description": "食品名称"})
    spec = ma.fields.String(allow_none=True, metadata={"description": "规格型号"})
    brand = ma.fields.String(allow_none=True, metadata={"description": "商标"})
    production_date = ma.fields.String(allow_none=True, metadata={"description": "生产日期/批号"})
    failed_items = ma.fields.String(allow_none=True, metadata={"description": "不合格项目‖检验结果‖标准值"})
    food_category = ma.fields.String(metadata={"description": "分类"})
    announcement = ma.fields.String(allow_none=True, metadata={"description": "公告号"})
    announced_on = ma.fields.String(allow_none=True, metadata={"description": "公告日期"})
    task_source = ma.fields.String(allow_none=True, metadata={"description": "任务来源/项目名称"})
    lab = ma.fields.String(metadata={"description": "检验机构"})
    remarks = ma.fields.String(allow_none=True, metadata={"description": "备注"})
    verdict = ma.fields.String()
    verdict_label = ma.fields.String()


class ResidentsInSchema(StrictSchema):
    district = DistrictCode(required=True)
    year = ma.fields.Integer(required=True, validate=validate.Range(min=2000, max=2199))
    residents = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=50_000_000))
    source = text(200)


class ResidentsSchema(ma.Schema):
    district_code = ma.fields.String()
    year = ma.fields.Integer()
    residents = ma.fields.Integer()
    source = ma.fields.String(allow_none=True)
