"""Console: result imports (background jobs), samples, disposition cases (核查处置) with re-tests,
announcements, residents per district and the sampling KPIs."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from backend.core import context
from backend.core.principal import ADMIN, REGULATOR
from backend.core.schemas import PaginationQuerySchema
from backend.sampling import cases, kpis, publishing, services
from backend.sampling.schemas import (
    AnnounceInSchema,
    AnnouncementSchema,
    CaseQuerySchema,
    CaseSchema,
    CloseCaseSchema,
    ImportFormSchema,
    ImportSchema,
    ResidentsInSchema,
    ResidentsSchema,
    RetestDecisionSchema,
    RetestResultSchema,
    SampleQuerySchema,
    SampleSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.fields import FileUploadSchema
from backend.web.idempotency import idempotent
from backend.web.indicators import indicator_views
from backend.web.pagination import paginate

blp = Blueprint(
    "console_sampling",
    __name__,
    url_prefix="/api/v1/console",
    description="Sampling (抽检): result imports, samples, disposition of failed samples (核查处置), announcements, KPIs",
)


@blp.before_request
def _allow_large_result_files():
    """Result files are larger than other uploads; only the import takes them."""
    if request.endpoint == "console_sampling.SamplingImports" and request.method == "POST":
        request.max_content_length = context.settings().IMPORT_MAX_BYTES + 64 * 1024


@blp.route("/sampling/imports")
class SamplingImports(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, ImportSchema(many=True))
    def get(self, query):
        """Imports of your districts, newest first"""
        return paginate(services.list_imports(current_principal()), query["page"], query["per_page"])

    @access(REGULATOR, ADMIN)
    @idempotent
    @blp.arguments(ImportFormSchema, location="form")
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(202, ImportSchema)
    @blp.doc(
        requestBody={
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "district": {"type": "string", "pattern": "^[1-8][0-9]{5}$"},
                            "mode": {"type": "string", "enum": ["whole", "partial"], "default": "whole"},
                        },
                    }
                }
            },
        }
    )
    def post(self, form, files, **_kwargs):
        """Import a result file (CSV in UTF-8 or GBK, or XLSX; one row per test item): checked at once, then
        imported by a background job. Poll the returned import for progress and the result"""
        upload = files["file"]
        data = upload.stream.read(context.settings().IMPORT_MAX_BYTES + 1)
        return services.start_import(
            current_principal(), filename=upload.filename, data=data, district=form.get("district"), mode=form["mode"]
        )


@blp.route("/sampling/imports/<oid:import_id>")
class SamplingImport(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, ImportSchema)
    def get(self, import_id):
        """An import: status, rows done of total, errors so far (row, column, reason), and the result"""
        return services.get_import(current_principal(), import_id)


@blp.route("/samples")
class Samples(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(SampleQuerySchema, location="query")
    @blp.response(200, SampleSchema(many=True))
    def get(self, query):
        """Samples in your districts, newest sampling first"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.samples_for(current_principal(), **query), page, per_page)


@blp.route("/samples/<string:sampling_number>")
class SampleRecord(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, SampleSchema)
    def get(self, sampling_number):
        """One sample with every test item"""
        return services.get_sample(current_principal(), sampling_number)


@blp.route("/dispositions")
class Dispositions(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(CaseQuerySchema, location="query")
    @blp.response(200, CaseSchema(many=True))
    def get(self, query):
        """Disposition cases of your districts (overdue=true: open past the deadline), open first"""
        found = cases.cases_for_regulator(
            current_principal(),
            status=query.get("status"),
            overdue=query["overdue"],
            business_id=query.get("business_id"),
        )
        return paginate(found, query["page"], query["per_page"])


@blp.route("/dispositions/<string:case_id>")
class Disposition(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, CaseSchema)
    def get(self, case_id):
        """One case: what the business did, the re-test, the deadline"""
        return cases.get_case_for_regulator(current_principal(), case_id)


@blp.route("/dispositions/<string:case_id>/retest-decision")
class RetestDecision(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(RetestDecisionSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, case_id):
        """Accept or refuse the business's re-test request (a refusal says why)"""
        return cases.decide_retest(current_principal(), case_id, accept=body["accept"], note=body.get("note"))


@blp.route("/dispositions/<string:case_id>/retest-result")
class RetestResult(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(RetestResultSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, case_id):
        """The re-test lab's verdict per item: final, it replaces the sample's verdict"""
        return cases.record_retest_result(current_principal(), case_id, verdicts=body["verdicts"], lab=body["lab"])


@blp.route("/dispositions/<string:case_id>/close")
class CloseDisposition(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(CloseCaseSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, case_id):
        """Close the case with its outcome (penalty, warning, no violation after a passed re-test); audited"""
        return cases.close_case(current_principal(), case_id, outcome=body["outcome"], note=body["note"])


@blp.route("/sampling/announcements")
class Announcements(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, AnnouncementSchema(many=True))
    def get(self, query):
        """Announcements of your districts"""
        return paginate(publishing.announcements_for(current_principal()), query["page"], query["per_page"])

    @access(REGULATOR, ADMIN)
    @idempotent
    @blp.arguments(AnnounceInSchema)
    @blp.response(201, AnnouncementSchema)
    def post(self, body):
        """Announce a batch (公告): an import's samples, or listed sampling numbers, become public"""
        return publishing.announce(
            current_principal(),
            number=body["number"],
            title=body["title"],
            announced_on=body["announced_on"],
            district=body.get("district"),
            sampling_numbers=body.get("sampling_numbers"),
            import_id=body.get("import_id"),
        )


@blp.route("/sampling/residents")
class Residents(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(ResidentsInSchema)
    @blp.response(200, ResidentsSchema)
    def put(self, body):
        """Residents (常住人口) of a district in a year, for samples per 1,000 residents"""
        return kpis.set_residents(current_principal(), **body)


indicator_views(
    blp,
    "/sampling/kpis",
    kpis.indicators,
    what="Sampling indicators",
    filename="sampling-kpis",
)
