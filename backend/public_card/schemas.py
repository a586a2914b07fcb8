"""The public card's JSON, for the OpenAPI document (the body itself is served from the cache)."""

import marshmallow as ma

from backend.public_card.models import GRADE_FILTERS


class PublicBusinessSchema(ma.Schema):
    name = ma.fields.String()
    kind = ma.fields.String()
    kind_label = ma.fields.String()
    address = ma.fields.String()
    district = ma.fields.String()


class PublicLicenceSchema(ma.Schema):
    number = ma.fields.String()
    issued_on = ma.fields.Date()
    expires_on = ma.fields.Date()
    authority = ma.fields.String()
    scope = ma.fields.String()
    state = ma.fields.String(metadata={"enum": ["valid", "expiring", "expired"]})
    state_label = ma.fields.String()


class PublicGradeSchema(ma.Schema):
    level = ma.fields.String(allow_none=True, metadata={"enum": ["A", "B", "C", None]})
    colour = ma.fields.String(metadata={"enum": ["green", "yellow", "red", "grey"]})
    label = ma.fields.String()
    rated_on = ma.fields.Date(allow_none=True)


class PublicPersonSchema(ma.Schema):
    post = ma.fields.String()
    name = ma.fields.String(metadata={"description": "Masked: 张*明."})
    valid_until = ma.fields.String(allow_none=True, metadata={"format": "date"})
    valid = ma.fields.Boolean()


class PublicHealthCertificatesSchema(ma.Schema):
    food_handlers = ma.fields.Integer(metadata={"description": "Staff handling ready-to-eat food today."})
    valid = ma.fields.Integer(metadata={"description": "How many of them hold a valid health certificate."})
    people = ma.fields.List(ma.fields.Nested(PublicPersonSchema), metadata={"description": "The first 30."})
    officers = ma.fields.List(ma.fields.String(), metadata={"description": "食品安全员, masked."})
    directors = ma.fields.List(ma.fields.String(), metadata={"description": "食品安全总监, masked."})


class PublicInspectionHistorySchema(ma.Schema):
    date = ma.fields.String(metadata={"format": "date"})
    type_label = ma.fields.String(
        metadata={"description": "日常检查 / 专项检查 / 双随机抽查 / 跟踪复查 / 投诉举报核查"}
    )
    result = ma.fields.String(metadata={"enum": ["compliant", "basically_compliant", "non_compliant"]})
    result_label = ma.fields.String()
    face = ma.fields.String(allow_none=True)


class PublicInspectionSchema(ma.Schema):
    date = ma.fields.String(metadata={"format": "date"})
    result = ma.fields.String(metadata={"enum": ["compliant", "basically_compliant", "non_compliant"]})
    result_label = ma.fields.String(metadata={"description": "符合 / 基本符合 / 不符合"})
    dynamic_grade = ma.fields.String(allow_none=True, metadata={"enum": ["excellent", "good", "fair", None]})
    dynamic_grade_label = ma.fields.String(allow_none=True)
    face = ma.fields.String(allow_none=True, metadata={"description": "大笑 / 微笑 / 平脸"})
    open_rectifications = ma.fields.Integer(metadata={"description": "Failed items being fixed (整改中)."})
    history = ma.fields.List(
        ma.fields.Nested(PublicInspectionHistorySchema),
        metadata={"description": "The last five results, newest first (a corrected record shows its correction)."},
    )


class PublicTestResultSchema(ma.Schema):
    food_name = ma.fields.String()
    food_category = ma.fields.String()
    sampled_on = ma.fields.String(metadata={"format": "date"})
    verdict = ma.fields.String(metadata={"enum": ["pass", "fail"]})
    verdict_label = ma.fields.String(metadata={"description": "合格 / 不合格"})
    failed_items = ma.fields.List(ma.fields.String())
    lab = ma.fields.String()
    announcement = ma.fields.String(allow_none=True, metadata={"description": "公告号"})
    announced_on = ma.fields.String(allow_none=True, metadata={"format": "date"})
    disposition = ma.fields.String(
        allow_none=True, metadata={"description": "For a failed one: 核查处置中 / 复检中 / 已处置（…）"}
    )


class PublicTestResultsSchema(ma.Schema):
    recent = ma.fields.List(
        ma.fields.Nested(PublicTestResultSchema), metadata={"description": "The latest 5 announced."}
    )


class PublicCameraSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    area = ma.fields.String()
    area_label = ma.fields.String(metadata={"description": "粗加工 / 切配 / 烹饪 / 面点 / 专间 / 洗消 / 仓库"})
    status = ma.fields.String()
    status_label = ma.fields.String()
    status_since = ma.fields.String(allow_none=True, metadata={"format": "date-time"})
    snapshot_url = ma.fields.String(
        metadata={"description": "The latest snapshot, faces blurred; its Last-Modified is the capture time."}
    )


class MonitoredAreaSchema(ma.Schema):
    area = ma.fields.String()
    area_label = ma.fields.String()
    signage = ma.fields.Boolean(metadata={"description": "a notice that the area is filmed is posted there"})


class PublicCamerasSchema(ma.Schema):
    cameras = ma.fields.List(ma.fields.Nested(PublicCameraSchema))
    monitored = ma.fields.List(
        ma.fields.Nested(MonitoredAreaSchema), metadata={"description": "every area a camera films (监控区域)"}
    )


class PublicRecallSchema(ma.Schema):
    number = ma.fields.String()
    product = ma.fields.String()
    trace_code = ma.fields.String()
    reason = ma.fields.String()
    since = ma.fields.String(metadata={"format": "date"})


class PublicRecallsSchema(ma.Schema):
    pending = ma.fields.List(ma.fields.Nested(PublicRecallSchema))


class CardPenaltySchema(ma.Schema):
    number = ma.fields.String(metadata={"description": "文号"})
    violation = ma.fields.String(metadata={"description": "违法行为类型"})
    penalties = ma.fields.List(ma.fields.String(), metadata={"description": "处罚内容"})
    authority = ma.fields.String()
    decided_on = ma.fields.String(metadata={"format": "date"})
    display_until = ma.fields.String(metadata={"format": "date"})


class CardPenaltiesSchema(ma.Schema):
    penalties = ma.fields.List(ma.fields.Nested(CardPenaltySchema))


class CardDishonestSchema(ma.Schema):
    basis = ma.fields.String(metadata={"description": "the listing decision's 文号"})
    authority = ma.fields.String()
    listed_on = ma.fields.String(metadata={"format": "date"})
    remove_after = ma.fields.String(metadata={"format": "date"})


class PublicCardSchema(ma.Schema):
    code = ma.fields.String()
    url = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["approved", "suspended", "revoked"]})
    status_label = ma.fields.String()
    status_reason = ma.fields.String(allow_none=True)
    business = ma.fields.Nested(PublicBusinessSchema)
    licence = ma.fields.Nested(PublicLicenceSchema, allow_none=True)
    grade = ma.fields.Nested(PublicGradeSchema)
    alerts = ma.fields.List(ma.fields.String(), metadata={"description": "Red notices, e.g. recalls."})
    sections = ma.fields.Dict(
        metadata={
            "description": "One entry per capability with data: staff, inspections, "
            "tests, cameras, recalls. Absent while it has none."
        }
    )
    latest_inspection = ma.fields.Nested(
        PublicInspectionSchema, metadata={"description": "The latest signed inspection; absent before the first."}
    )
    health_certificates = ma.fields.Nested(
        PublicHealthCertificatesSchema,
        metadata={"description": "Food handlers' health certificates; absent while the business records no staff."},
    )
    test_results = ma.fields.Nested(
        PublicTestResultsSchema,
        metadata={"description": "Announced sampling results (抽检); absent before the first is announced."},
    )
    cameras = ma.fields.Nested(
        PublicCamerasSchema,
        metadata={"description": "Kitchen cameras (明厨亮灶) approved for the public; absent while there are none."},
    )
    recall = ma.fields.Nested(
        PublicRecallsSchema,
        metadata={"description": "Recalled lots the business holds and has not confirmed (召回); absent otherwise."},
    )
    penalties = ma.fields.Nested(
        CardPenaltiesSchema,
        metadata={
            "description": "Administrative penalties in their display period (行政处罚信息公示); absent otherwise."
        },
    )
    dishonest = ma.fields.Nested(
        CardDishonestSchema,
        metadata={"description": "On the serious-dishonesty list (严重违法失信名单); absent otherwise."},
    )
    complaint_url = ma.fields.String()
    updated_at = ma.fields.DateTime()
    as_of = ma.fields.Date()


class PublicSearchQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    q = ma.fields.String(
        validate=ma.validate.Length(max=100),
        metadata={"description": "Part of the name or address, or a licence number."},
    )
    district = ma.fields.String(validate=ma.validate.Regexp(r"^\d{6}$"))
    grade = ma.fields.String(
        validate=ma.validate.OneOf(GRADE_FILTERS),
        metadata={"description": "The annual grade shown on the card: A, B, C, or none (not yet rated)"},
    )
    near = ma.fields.String(
        validate=ma.validate.Regexp(r"^-?\d{1,2}(\.\d{1,8})?,-?\d{1,3}(\.\d{1,8})?$", error="latitude,longitude"),
        metadata={"description": "latitude,longitude (WGS-84): nearest first, with distance_m"},
    )
    radius_km = ma.fields.Float(
        load_default=3.0, validate=ma.validate.Range(min=0.05, max=20), metadata={"description": "with near"}
    )
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=10_000))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=100))


class PublicListingSchema(ma.Schema):
    code = ma.fields.String()
    url = ma.fields.String()
    name = ma.fields.String()
    kind_label = ma.fields.String()
    address = ma.fields.String(allow_none=True)
    district = ma.fields.String()
    grade = ma.fields.Nested(PublicGradeSchema)
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    distance_m = ma.fields.Integer(metadata={"description": "with near: metres from the point"})
