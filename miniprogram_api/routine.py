"""Mini-program: the risk-control list, daily checks, weekly and monthly records (三件事)."""

from __future__ import annotations

from flask.views import MethodView

from backend.blobs.services import read_capped
from backend.core.principal import CITIZEN
from backend.core.schemas import PaginationQuerySchema
from backend.routine import services
from backend.routine.models import DailyCheck, MonthlyReport, WeeklyReport
from backend.routine.schemas import (
    DailyCheckCorrectionSchema,
    DailyCheckInSchema,
    DailyCheckSchema,
    MonthlyReportInSchema,
    MonthlyReportSchema,
    PhotoSchema,
    RiskItemInSchema,
    RiskListSchema,
    WeeklyReportInSchema,
    WeeklyReportSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.fields import FileUploadSchema
from backend.web.pagination import paginate

blp = Blueprint(
    "mp_routine",
    __name__,
    url_prefix="/api/v1/mp/businesses/<oid:business_id>",
    description="The business's food-safety routine: 日管控, 周排查, 月调度",
)


def _user_id() -> str:
    return current_principal().user_id


@blp.route("/risk-list")
class RiskList(MethodView):
    @access(CITIZEN)
    @blp.response(200, RiskListSchema)
    def get(self, business_id):
        """The risk-control list (风险管控清单), started from the template of the business's kind"""
        return services.risk_list(_user_id(), business_id)


@blp.route("/risk-list/items")
class RiskItems(MethodView):
    @access(CITIZEN)
    @blp.arguments(RiskItemInSchema)
    @blp.response(201, RiskListSchema)
    def post(self, body, business_id):
        """Add an item of the business's own (owner, manager)"""
        return services.add_risk_item(_user_id(), business_id, body["text"])


@blp.route("/routine-photos")
class RoutinePhotos(MethodView):
    @access(CITIZEN)
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, PhotoSchema)
    def post(self, files, business_id):
        """A photo of what a failed check found; name it in the daily check"""
        return services.upload_photo(_user_id(), business_id, read_capped(files["file"].stream))


def _records_view(path: str, model, in_schema, out_schema, record, post_doc: str, get_doc: str):
    class Records(MethodView):
        @access(CITIZEN)
        @blp.arguments(PaginationQuerySchema, location="query")
        @blp.response(200, out_schema(many=True))
        def get(self, query, business_id):
            return paginate(services.records(model, _user_id(), business_id), query["page"], query["per_page"])

        @access(CITIZEN)
        @blp.arguments(in_schema)
        @blp.response(201, out_schema)
        def post(self, body, business_id):
            return record(_user_id(), business_id, body)

    Records.get.__doc__, Records.post.__doc__ = get_doc, post_doc
    Records.__name__ = f"{model.__name__}s"
    blp.route(path, endpoint=path.strip("/"))(Records)


_records_view(
    "/daily-checks",
    DailyCheck,
    DailyCheckInSchema,
    DailyCheckSchema,
    services.record_daily_check,
    "Record today's check of every item, signed; the same client_id again creates nothing",
    "Daily checks, newest first",
)


@blp.route("/daily-checks/<oid:check_id>")
class DailyCheckCorrection(MethodView):
    @access(CITIZEN)
    @blp.arguments(DailyCheckCorrectionSchema)
    @blp.response(200, DailyCheckSchema)
    @blp.alt_response(409, description="Changed since it was read (version), or past the backfill window")
    def put(self, body, business_id, check_id):
        """Correct a daily check within the backfill window: every item again, signed, with the reason (audited)"""
        return services.correct_daily_check(_user_id(), business_id, check_id, body)


_records_view(
    "/weekly-reports",
    WeeklyReport,
    WeeklyReportInSchema,
    WeeklyReportSchema,
    services.record_weekly_report,
    "The week's review: its problems, fixes and an assessment, signed",
    "Weekly reports, newest first",
)
_records_view(
    "/monthly-reports",
    MonthlyReport,
    MonthlyReportInSchema,
    MonthlyReportSchema,
    services.record_monthly_report,
    "The head's monthly meeting record, signed",
    "Monthly records, newest first",
)
