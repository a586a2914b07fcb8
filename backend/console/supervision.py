"""The 食安办's 包保 work: officials and their invitations, pairings (one by one or from a spreadsheet),
businesses no one supervises, the quarter's tasks, violations handed over, and the indicators."""

from __future__ import annotations

from flask.views import MethodView

from backend.blobs.services import read_capped
from backend.core.principal import ADMIN, BUREAU, OFFICE, OFFICIAL, REGULATOR
from backend.supervision import bulletins, imports, kpis, sectors, services
from backend.supervision.schemas import (
    AssignmentImportSchema,
    AssignmentInSchema,
    AssignmentQuerySchema,
    AssignmentSchema,
    BulletinQuerySchema,
    BulletinRowSchema,
    CanteenQuerySchema,
    CanteenSummarySchema,
    ConsoleLoginSchema,
    GeneratedSchema,
    GenerateSchema,
    HandoverDecisionSchema,
    HandoverQuerySchema,
    HandoverSchema,
    NewOfficialSchema,
    OfficialInSchema,
    OfficialQuerySchema,
    OfficialSchema,
    OverviewSchema,
    SupervisionTaskQuerySchema,
    SupervisionTaskSchema,
    UnassignedQuerySchema,
    UnassignedSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.downloads import csv_download, download
from backend.web.fields import FileUploadSchema
from backend.web.idempotency import idempotent
from backend.web.indicators import indicator_views
from backend.web.pagination import paginate

blp = Blueprint(
    "console_supervision", __name__, url_prefix="/api/v1/console", description="包保: officials, pairings, supervision"
)


@blp.route("/officials")
class Officials(MethodView):
    @access(OFFICE, ADMIN, REGULATOR)
    @blp.arguments(OfficialQuerySchema, location="query")
    @blp.response(200, OfficialSchema(many=True))
    def get(self, query):
        """Officials of your districts, by level"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.officials(current_principal(), **query), page, per_page)

    @access(OFFICE, ADMIN)
    @blp.arguments(OfficialInSchema)
    @blp.response(201, NewOfficialSchema)
    def post(self, body):
        """A new official, with the one-time code that binds their WeChat account (shown only now)"""
        official, code = services.create_official(current_principal(), body)
        official.invitation_code = code
        return official


@blp.route("/officials/<oid:official_id>/console-login")
class OfficialConsoleLogin(MethodView):
    @access(OFFICE, ADMIN)
    @blp.arguments(ConsoleLoginSchema)
    @blp.response(200, OfficialSchema)
    @blp.alt_response(409, description="Not bound yet, or the username is taken")
    def post(self, body, official_id):
        """Let a bound official sign in on the console too (their tasks and pairings)"""
        return services.give_console_login(current_principal(), official_id, body["username"], body["password"])


@blp.route("/assignments")
class Assignments(MethodView):
    @access(OFFICE, ADMIN, REGULATOR, OFFICIAL)
    @blp.arguments(AssignmentQuerySchema, location="query")
    @blp.response(200, AssignmentSchema(many=True))
    def get(self, query):
        """Pairings of your districts (history=true: ended ones too)"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.assignments(current_principal(), **query), page, per_page)

    @access(OFFICE, ADMIN)
    @blp.arguments(AssignmentInSchema)
    @blp.response(201, AssignmentSchema)
    @blp.alt_response(409, description="Paired meanwhile")
    def post(self, body):
        """Pair an official with a business (its current pairing ends; the level must fit the business)"""
        return services.assign(current_principal(), body)


@blp.route("/assignments/import")
class AssignmentImport(MethodView):
    @access(OFFICE, ADMIN)
    @idempotent
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(202, AssignmentImportSchema)
    def post(self, files):
        """Pairings from CSV/XLSX (统一社会信用代码, 包保干部手机号, 备注), run by a job: poll the import for
        progress; all rows are paired, or none and the wrong rows are named"""
        upload = files["file"]
        return imports.start_import(current_principal(), read_capped(upload.stream), upload.filename)


@blp.route("/assignments/imports/<oid:import_id>")
class OneAssignmentImport(MethodView):
    @access(OFFICE, ADMIN)
    @blp.response(200, AssignmentImportSchema)
    def get(self, import_id):
        """An import's progress (rows done of rows), and its result or the rows it refused"""
        return imports.get_import(current_principal(), import_id)


@blp.route("/assignments/unassigned")
class Unassigned(MethodView):
    @access(OFFICE, ADMIN)
    @blp.arguments(UnassignedQuerySchema, location="query")
    @blp.response(200, UnassignedSchema(many=True))
    def get(self, query):
        """Approved businesses of your districts that no official supervises"""
        return paginate(
            services.unassigned(current_principal(), district=query.get("district")), query["page"], query["per_page"]
        )


@blp.route("/supervision-tasks")
class Tasks(MethodView):
    @access(OFFICE, ADMIN, REGULATOR, OFFICIAL)
    @blp.arguments(SupervisionTaskQuerySchema, location="query")
    @blp.response(200, SupervisionTaskSchema(many=True))
    def get(self, query):
        """Supervision tasks of your districts, by due day (overdue=true: open past it)"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.tasks_for(current_principal(), **query), page, per_page)


@blp.route("/supervision-tasks/generate")
class Generate(MethodView):
    @access(OFFICE, ADMIN)
    @blp.arguments(GenerateSchema)
    @blp.response(200, GeneratedSchema)
    def post(self, body):
        """Make the quarter's tasks for every pairing (again: nothing new); the daily sweep does it too"""
        return {"quarter": body["quarter"], "created": services.plan_quarter(current_principal(), body["quarter"])}


@blp.route("/handovers")
class Handovers(MethodView):
    @access(OFFICE, ADMIN)
    @blp.arguments(HandoverQuerySchema, location="query")
    @blp.response(200, HandoverSchema(many=True))
    def get(self, query):
        """Violations officials found, waiting for the 食安办"""
        return paginate(
            services.handovers(current_principal(), status=query.get("status")), query["page"], query["per_page"]
        )


@blp.route("/handovers/<oid:handover_id>/decision")
class HandoverDecision(MethodView):
    @access(OFFICE, ADMIN)
    @blp.arguments(HandoverDecisionSchema)
    @blp.response(200, HandoverSchema)
    @blp.alt_response(409, description="Decided meanwhile")
    def post(self, body, handover_id):
        """Pass the violation to the regulators (a lead) or return it, with the reason"""
        return services.decide_handover(current_principal(), handover_id, body)


@blp.route("/bulletins")
class Bulletins(MethodView):
    @access(OFFICE, ADMIN, REGULATOR)
    @blp.arguments(BulletinQuerySchema, location="query")
    @blp.response(200, BulletinRowSchema(many=True))
    def get(self, query):
        """定期通报 per district and level: 三类人 gaps, 三件事 completion, supervision done, open problems"""
        return bulletins.for_principal(current_principal(), **query)


@blp.route("/bulletins.csv")
class BulletinsCsv(MethodView):
    @access(OFFICE, ADMIN, REGULATOR)
    @blp.arguments(BulletinQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query):
        """The bulletin as CSV (Chinese headers)"""
        return csv_download(bulletins.csv(bulletins.for_principal(current_principal(), **query)), "bulletin.csv")


@blp.route("/bulletins.pdf")
class BulletinsPdf(MethodView):
    @access(OFFICE, ADMIN, REGULATOR)
    @blp.arguments(BulletinQuerySchema, location="query")
    @blp.response(200, content_type="application/pdf")
    def get(self, query):
        """The bulletin as a PDF the 食安办 can send"""
        rows = bulletins.for_principal(current_principal(), **query)
        return download(bulletins.pdf(rows, query["period"]), "application/pdf", "包保工作通报.pdf")


@blp.route("/sector/canteens")
class Canteens(MethodView):
    @access(BUREAU, OFFICE)
    @blp.arguments(CanteenQuerySchema, location="query")
    @blp.response(200, CanteenSummarySchema(many=True))
    def get(self, query):
        """A bureau's canteens (the 食安办: every business) of its districts: grade, cameras, checks, problems"""
        found = sectors.canteens(current_principal(), district=query.get("district"), kind=query.get("kind"))
        return sectors.summaries(paginate(found, query["page"], query["per_page"]))


@blp.route("/sector/canteens/<oid:business_id>")
class Canteen(MethodView):
    @access(BUREAU, OFFICE)
    @blp.response(200, OverviewSchema)
    def get(self, business_id):
        """One of the bureau's canteens: cameras, problems, rectifications, daily checks, staff, samples"""
        return sectors.canteen_overview(current_principal(), business_id)


indicator_views(
    blp,
    "/sector/kpis",
    sectors.indicators,
    what="A bureau's canteens per kind (graded 良好 or better, camera online); the 食安办's platform use per kind",
    filename="sector-kpis",
    roles=(BUREAU, OFFICE, ADMIN),
)


indicator_views(
    blp,
    "/supervision/kpis",
    kpis.indicators,
    what="包保 indicators: pledges, quarterly supervision (per level), remote share, fixes in time, unassigned",
    filename="supervision-kpis",
    roles=(REGULATOR, ADMIN, OFFICE),
)
