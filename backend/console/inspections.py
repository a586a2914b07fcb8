"""Console: inspections of businesses in the regulator's districts, rectification review, grades, checklists."""

from __future__ import annotations

from flask.views import MethodView

from backend.blobs.services import read_capped
from backend.core.principal import ADMIN, REGULATOR
from backend.inspections import planning, services
from backend.inspections.schemas import (
    AnnualGradeSchema,
    ChecklistInSchema,
    ChecklistQuerySchema,
    ChecklistSchema,
    DrawInSchema,
    DrawSchema,
    GradeSetSchema,
    InspectionCreateSchema,
    InspectionPhotoSchema,
    InspectionQuerySchema,
    InspectionSchema,
    InspectionUpdateSchema,
    PlanQuerySchema,
    PlanSchema,
    RectificationQuerySchema,
    RectificationSchema,
    ReviewSchema,
    RiskGradeSchema,
    VerifiedSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.fields import FileUploadSchema
from backend.web.indicators import indicator_views
from backend.web.pagination import paginate

blp = Blueprint(
    "console_inspections",
    __name__,
    url_prefix="/api/v1/console",
    description="Inspections (监督检查), rectification and annual grades (regulators, within their districts)",
)


@blp.route("/inspections")
class Inspections(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(InspectionQuerySchema, location="query")
    @blp.response(200, InspectionSchema(many=True))
    def get(self, query):
        """Inspections in your districts, newest first"""
        found = services.search(current_principal(), business_id=query.get("business_id"), status=query.get("status"))
        return paginate(found, query["page"], query["per_page"])

    @access(REGULATOR, ADMIN)
    @blp.arguments(InspectionCreateSchema)
    @blp.response(201, InspectionSchema)
    def post(self, body):
        """Start an inspection (a draft) against the current checklist of the business's kind"""
        return services.create_draft(current_principal(), body)


@blp.route("/inspections/<oid:inspection_id>")
class InspectionRecord(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, InspectionSchema)
    def get(self, inspection_id):
        """One inspection"""
        return services.get_for_regulator(current_principal(), inspection_id)

    @access(REGULATOR, ADMIN)
    @blp.arguments(InspectionUpdateSchema)
    @blp.response(200, InspectionSchema)
    def patch(self, body, inspection_id):
        """Change a draft's results or date (a signed inspection never changes: 409)"""
        return services.update_draft(current_principal(), inspection_id, body)


@blp.route("/inspections/<oid:inspection_id>/sign")
class SignInspection(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, InspectionSchema)
    def post(self, inspection_id):
        """Sign: the result and dynamic grade are computed, failed items open rectifications"""
        return services.sign(current_principal(), inspection_id)


@blp.route("/rectifications")
class Rectifications(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(RectificationQuerySchema, location="query")
    @blp.response(200, RectificationSchema(many=True))
    def get(self, query):
        """Overdue rectifications in your districts (key items only with key_only=true)"""
        found = services.overdue_rectifications(current_principal(), key_only=query["key_only"])
        return paginate(found, query["page"], query["per_page"])


def _review_view(action: str, accept: bool, doc: str):
    class Review(MethodView):
        @access(REGULATOR, ADMIN)
        @blp.arguments(ReviewSchema)
        @blp.response(200, RectificationSchema)
        def post(self, body, rectification_id):
            return services.review_rectification(current_principal(), rectification_id, accept, body.get("note"))

    Review.post.__doc__ = doc
    Review.__name__ = f"{action.title().replace('-', '')}Rectification"
    blp.route(f"/rectifications/<oid:rectification_id>/{action}", endpoint=f"rectification_{action}")(Review)


_review_view("accept", True, "Accept the evidence: the item is fixed")
_review_view("send-back", False, "Send the evidence back: the item is open again")


@blp.route("/businesses/<oid:business_id>/annual-grade")
class AnnualGrade(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(GradeSetSchema)
    @blp.response(200, AnnualGradeSchema)
    def put(self, body, business_id):
        """Set the annual grade by hand (a reason is required and audited)"""
        return services.set_grade_by_hand(current_principal(), business_id, body["level"], body["reason"])


@blp.route("/checklists")
class Checklists(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, ChecklistSchema(many=True))
    def get(self):
        """The checklists in use: the latest version of each kind, every item with its code, text, key flag and points"""
        return services.checklists()

    @access(ADMIN)
    @blp.arguments(ChecklistInSchema)
    @blp.response(201, ChecklistSchema)
    def post(self, body):
        """Load a new version of a checklist (JSON, the shape of the shipped ones); earlier versions stay"""
        return services.load_checklist(current_principal(), body)


@blp.route("/checklists/<kind>")
class OneChecklist(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(ChecklistQuerySchema, location="query")
    @blp.response(200, ChecklistSchema)
    @blp.alt_response(404, description="No checklist of this kind (or version)")
    def get(self, query, kind):
        """One checklist: the latest version of a kind, or the version an earlier inspection used (`checklist` of an inspection is `kind-vN`)"""
        return services.checklist(kind, query.get("version"))


@blp.route("/inspection-plan")
class InspectionPlan(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(PlanQuerySchema, location="query")
    @blp.response(200, PlanSchema)
    def get(self, query):
        """Which businesses in your districts are due, overdue or done this year (by risk grade), and coverage"""
        return planning.inspection_plan(
            current_principal(), year=query["year"], district=query.get("district"), state=query.get("state")
        )


@blp.route("/random-draws")
class RandomDraws(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(DrawInSchema)
    @blp.response(201, DrawSchema)
    def post(self, body):
        """双随机: draw businesses from a filter and pair them with inspectors; the seed is recorded and audited"""
        return planning.draw(current_principal(), **body)


@blp.route("/random-draws/<oid:draw_id>/verify")
class VerifyDraw(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, VerifiedSchema)
    def get(self, draw_id):
        """Re-run the draw from its recorded seed: the same pairs come out"""
        return {"reproduced": planning.verify_draw(current_principal(), draw_id)}


indicator_views(
    blp,
    "/inspections/kpis",
    planning.indicators,
    what="Inspection indicators",
    filename="inspection-kpis",
)


@blp.route("/businesses/<oid:business_id>/risk-grade")
class BusinessRiskGrade(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, RiskGradeSchema)
    def get(self, business_id):
        """The risk grade A–D (not public) with the inputs behind its score"""
        return planning.risk_grade_for(current_principal(), business_id)


@blp.route("/checklists/file")
class ChecklistFile(MethodView):
    @access(ADMIN)
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, ChecklistSchema)
    def post(self, files):
        """Load a new checklist version from a JSON or XLSX file (sheets `checklist` and `items`)"""
        return services.load_checklist_file(current_principal(), read_capped(files["file"].stream))


@blp.route("/inspection-photos")
class InspectionPhotos(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, InspectionPhotoSchema)
    def post(self, files):
        """A photo taken on the inspection (JPEG/PNG/WebP); name it in an item result"""
        return services.upload_photo(current_principal(), read_capped(files["file"].stream))
