"""Regulators' enforcement: leads to review within the filing period, and penalty cases step by step."""

from __future__ import annotations

from flask.views import MethodView

from backend.blobs.services import read_capped, sniff
from backend.core.principal import ADMIN, REGULATOR
from backend.core.schemas import PaginationQuerySchema
from backend.enforcement import credit_file, services
from backend.enforcement.schemas import (
    BanInSchema,
    BannedPersonSchema,
    BanQuerySchema,
    BanRowSchema,
    CreditFileSchema,
    DecisionInSchema,
    DeliveryInSchema,
    DishonestInSchema,
    DishonestListingSchema,
    EvidenceFormSchema,
    ExecutionInSchema,
    ExtensionInSchema,
    LeadInSchema,
    LeadQuerySchema,
    LeadReviewSchema,
    LeadSchema,
    LinkRecordsSchema,
    NoticeInSchema,
    PenaltyCaseInSchema,
    PenaltyCaseQuerySchema,
    PenaltyCaseSchema,
    RepairDecisionSchema,
    RepairQuerySchema,
    RepairSchema,
    SimplifiedCaseInSchema,
    VersionSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.downloads import download, private_response
from backend.web.fields import FileUploadSchema
from backend.web.idempotency import idempotent
from backend.web.indicators import indicator_views
from backend.web.pagination import paginate

blp = Blueprint(
    "console_enforcement",
    __name__,
    url_prefix="/api/v1/console",
    description="Leads (线索) and administrative penalty cases (行政处罚案件) in your districts",
)


@blp.route("/leads")
class Leads(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(LeadQuerySchema, location="query")
    @blp.response(200, LeadSchema(many=True))
    def get(self, query):
        """Leads in your districts, those to review first (by their filing deadline); overdue=true: past it"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.leads_for_regulator(current_principal(), **query), page, per_page)

    @access(REGULATOR, ADMIN)
    @blp.arguments(LeadInSchema)
    @blp.response(201, LeadSchema)
    def post(self, body):
        """Register a lead by hand (a tip-off, another authority's hand-over)"""
        return services.register_lead(current_principal(), body)


@blp.route("/leads/<oid:lead_id>")
class OneLead(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, LeadSchema)
    def get(self, lead_id):
        """One lead with its source, evidence, review and the business's answer"""
        return services.get_lead_for_regulator(current_principal(), lead_id)


@blp.route("/leads/<oid:lead_id>/evidence/<int:index>")
class LeadPicture(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, content_type="image/jpeg")
    def get(self, lead_id, index):
        """A picture of the lead's evidence: as captured for the case's officer (audited), faces blurred for others"""
        data = services.lead_picture(current_principal(), lead_id, index)
        return private_response(data, sniff(data) or "application/octet-stream")


@blp.route("/leads/<oid:lead_id>/review")
class ReviewLead(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(LeadReviewSchema)
    @blp.response(200, LeadSchema)
    @blp.alt_response(409, description="Reviewed meanwhile")
    def post(self, body, lead_id):
        """Review: dismiss with a reason, hand to the business to fix by a day, or open a case"""
        return services.review_lead(current_principal(), lead_id, body)


@blp.route("/cases")
class Cases(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(PenaltyCaseQuerySchema, location="query")
    @blp.response(200, PenaltyCaseSchema(many=True))
    def get(self, query):
        """Cases in your districts, by decision deadline; overdue=true: a decision or delivery past its day"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.cases_for_regulator(current_principal(), **query), page, per_page)

    @access(REGULATOR, ADMIN)
    @blp.arguments(PenaltyCaseInSchema)
    @blp.response(201, PenaltyCaseSchema)
    def post(self, body):
        """File a case (立案) without a lead of the platform's, with the approving official"""
        return services.file_case(current_principal(), body)


@blp.route("/cases/simplified")
class SimplifiedCases(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(SimplifiedCaseInSchema)
    @blp.response(201, PenaltyCaseSchema)
    def post(self, body):
        """简易程序: a warning or a small fine decided and delivered on the spot"""
        return services.simplified_case(current_principal(), body)


@blp.route("/cases/<oid:case_id>")
class OneCase(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, PenaltyCaseSchema)
    def get(self, case_id):
        """One case with every step taken"""
        return services.get_case_for_regulator(current_principal(), case_id)


@blp.route("/cases/<oid:case_id>/evidence")
class CaseEvidence(MethodView):
    @access(REGULATOR, ADMIN)
    @idempotent  # a retried upload keeps one copy (its form part is documented in the body, not as parameters)
    @blp.arguments(EvidenceFormSchema, location="form")
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, PenaltyCaseSchema)
    @blp.alt_response(409, description="Decided already: evidence is gathered before the decision")
    @blp.doc(
        requestBody={
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["caption", "file"],
                        "properties": {"caption": {"type": "string"}, "file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    )
    def post(self, form, files, case_id):
        """调查取证: a picture or PDF (multipart: `file`, `caption`), kept with its SHA-256"""
        data = read_capped(files["file"].stream)
        return services.add_evidence(current_principal(), case_id, data, form["caption"])


@blp.route("/cases/<oid:case_id>/evidence/<int:index>")
class CaseEvidencePicture(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, content_type="application/octet-stream")
    def get(self, case_id, index):
        """One piece of the case's evidence, as kept"""
        data = services.case_evidence(current_principal(), case_id, index)
        return private_response(data, sniff(data) or "application/octet-stream")


@blp.route("/cases/<oid:case_id>/links")
class CaseLinks(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(LinkRecordsSchema)
    @blp.response(200, PenaltyCaseSchema)
    @blp.alt_response(409, description="Decided already, or changed meanwhile")
    def post(self, body, case_id):
        """Link signed inspections and samples of the business that the case relies on"""
        return services.link_records(current_principal(), case_id, body)


@blp.route("/cases/<oid:case_id>/documents/<any(filing, notice, decision, delivery):kind>.pdf")
class CaseDocument(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, content_type="application/pdf")
    def get(self, case_id, kind):
        """A document the case issued, exactly as issued (its SHA-256 is in the step's audit entry)"""
        number, data = services.case_document(current_principal(), case_id, kind)
        return download(data, "application/pdf", f"{number}.pdf")


def _step_view(step: str, schema, service, doc: str) -> None:
    class Step(MethodView):
        @access(REGULATOR, ADMIN)
        @blp.arguments(schema)
        @blp.response(200, PenaltyCaseSchema)
        @blp.alt_response(409, description="Not the next step, past its deadline, or changed meanwhile")
        def post(self, body, case_id):
            return service(current_principal(), case_id, body)

    Step.post.__doc__ = doc
    Step.__name__ = f"Case{step.title().replace('-', '')}"
    blp.route(f"/cases/<oid:case_id>/{step}", endpoint=f"case_{step}")(Step)


_step_view(
    "notice",
    NoticeInSchema,
    services.notify,
    "告知: facts, the rule broken, the intended penalty; the party's days start",
)
_step_view(
    "extension",
    ExtensionInSchema,
    services.extend,
    "Extend the decision's period once, by a named official with a reason",
)
_step_view(
    "decision",
    DecisionInSchema,
    services.decide,
    "处罚决定, or no penalty with the reason, after the party's time to speak",
)
_step_view(
    "delivery",
    DeliveryInSchema,
    services.deliver,
    "送达: electronic only with the party's consent; by hand or post otherwise",
)
_step_view(
    "execution",
    ExecutionInSchema,
    services.execute,
    "执行: the fine paid, the penalty carried out, or enforcement applied for",
)
_step_view("closing", VersionSchema, services.close, "结案: once carried out (or delivered, with nothing to carry out)")


@blp.route("/businesses/<oid:business_id>/credit-file")
class CreditFile(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, CreditFileSchema)
    def get(self, business_id):
        """一户一档: the business's licence, grades, inspections, samples, complaints upheld, recalls, cases,
        penalties, listings and camera problems, newest first, each linked; its credit class (A–D) and history"""
        return credit_file.credit_file(current_principal(), business_id)


@blp.route("/banned-persons")
class BannedPersons(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(BanQuerySchema, location="query")
    @blp.response(200, BanRowSchema(many=True))
    def get(self, query):
        """从业禁止 in force, each with the businesses in your districts where the person works now"""
        return services.banned_persons(current_principal(), employed=query["employed"])

    @access(REGULATOR, ADMIN)
    @blp.arguments(BanInSchema)
    @blp.response(201, BannedPersonSchema)
    def post(self, body):
        """Record a person banned from food work (5 years after a revoked licence, life after a conviction)"""
        return services.ban_person(current_principal(), body)


indicator_views(
    blp, "/enforcement/kpis", services.indicators, what="Enforcement indicators", filename="enforcement-kpis"
)


@blp.route("/dishonest")
class Dishonest(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, DishonestListingSchema(many=True))
    def get(self, query):
        """The serious-dishonesty listings in your districts, those removed included"""
        return paginate(services.listings_for_regulator(current_principal()), query["page"], query["per_page"])

    @access(REGULATOR, ADMIN)
    @blp.arguments(DishonestInSchema)
    @blp.response(201, DishonestListingSchema)
    @blp.alt_response(409, description="Listed already")
    def post(self, body):
        """List a business (严重违法失信名单) by a named official's decision: published, and no approval until removed"""
        return services.list_dishonest(current_principal(), body)


@blp.route("/credit-repairs")
class CreditRepairs(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(RepairQuerySchema, location="query")
    @blp.response(200, RepairSchema(many=True))
    def get(self, query):
        """Credit repair applications of businesses in your districts"""
        found = services.repairs_for_regulator(current_principal(), status=query.get("status"))
        return paginate(found, query["page"], query["per_page"])


@blp.route("/credit-repairs/<oid:repair_id>/decision")
class RepairDecision(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(RepairDecisionSchema)
    @blp.response(200, RepairSchema)
    @blp.alt_response(409, description="Decided meanwhile")
    def post(self, body, repair_id):
        """Grant (the public display ends today) or refuse a credit repair, with the reason"""
        return services.decide_repair(current_principal(), repair_id, body)
