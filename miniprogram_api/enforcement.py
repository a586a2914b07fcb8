"""Mini-program: what enforcement asks of a business — leads to fix (非现场: seen, confirmed or
disputed, fixed with photos), its cases (statement and defence, a hearing), and its consent to
electronic delivery."""

from __future__ import annotations

from flask.views import MethodView

from backend.blobs.services import sniff
from backend.core.principal import CITIZEN
from backend.core.schemas import EmptySchema, PaginationQuerySchema
from backend.enforcement import services
from backend.enforcement.schemas import (
    BusinessLeadSchema,
    ConsentInSchema,
    ConsentSchema,
    LeadAnswerSchema,
    PartyCaseSchema,
    RepairInSchema,
    RepairSchema,
    StatementInSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.downloads import download, private_response
from backend.web.idempotency import idempotent
from backend.web.pagination import paginate

blp = Blueprint(
    "mp_enforcement", __name__, url_prefix="/api/v1/mp", description="Leads to fix, cases and electronic delivery"
)


def _user_id() -> str:
    return current_principal().user_id


@blp.route("/businesses/<oid:business_id>/leads")
class BusinessLeads(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, BusinessLeadSchema(many=True))
    def get(self, query, business_id):
        """What regulators found and handed to the business to fix, by the day it is due"""
        return paginate(services.leads_of_business(_user_id(), business_id), query["page"], query["per_page"])


@blp.route("/businesses/<oid:business_id>/leads/<oid:lead_id>/answer")
class AnswerLead(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(LeadAnswerSchema)
    @blp.response(200, BusinessLeadSchema)
    def post(self, body, business_id, lead_id):
        """Confirm and say what was fixed (photos from …/routine-photos), or dispute it (owner, manager)"""
        return services.respond_to_lead(_user_id(), business_id, lead_id, body)


@blp.route("/businesses/<oid:business_id>/leads/<oid:lead_id>/evidence/<int:index>")
class LeadPicture(MethodView):
    @access(CITIZEN)
    @blp.response(200, content_type="image/jpeg")
    def get(self, business_id, lead_id, index):
        """What was captured in your kitchen for a lead handed to you, faces blurred"""
        data = services.business_lead_picture(_user_id(), business_id, lead_id, index)
        return private_response(data, sniff(data) or "application/octet-stream")


@blp.route("/cases/<oid:case_id>")
class PartyCase(MethodView):
    @access(CITIZEN)
    @blp.response(200, PartyCaseSchema)
    def get(self, case_id):
        """A case of one of your businesses, once you were told of it: the notice, your rights, the decision"""
        return services.get_case_for_member(_user_id(), case_id)


@blp.route("/cases/<oid:case_id>/documents/<any(notice, decision, delivery):kind>.pdf")
class PartyCaseDocument(MethodView):
    @access(CITIZEN)
    @blp.response(200, content_type="application/pdf")
    def get(self, case_id, kind):
        """The notice, the decision or the delivery receipt sent to you, as sent"""
        number, data = services.party_document(_user_id(), case_id, kind)
        return download(data, "application/pdf", f"{number}.pdf")


@blp.route("/cases/<oid:case_id>/statement")
class Statement(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(StatementInSchema)
    @blp.response(200, PartyCaseSchema)
    @blp.alt_response(409, description="Past the notice's day, or not at that step")
    def post(self, body, case_id):
        """陈述申辩 until the notice's day (owner, manager)"""
        return services.state_and_defend(_user_id(), case_id, body)


@blp.route("/cases/<oid:case_id>/hearing-request")
class HearingRequest(MethodView):
    @access(CITIZEN)
    @blp.arguments(EmptySchema)
    @blp.response(200, PartyCaseSchema)
    @blp.alt_response(409, description="No right to a hearing, or past its day")
    def post(self, _body, case_id):
        """Ask for a hearing (听证) where the intended penalty gives the right, within its days"""
        return services.request_hearing(_user_id(), case_id)


@blp.route("/cases/<oid:case_id>/consent")
class Consent(MethodView):
    @access(CITIZEN)
    @blp.arguments(ConsentInSchema)
    @blp.response(200, ConsentSchema)
    def put(self, body, case_id):
        """Consent to electronic delivery of the business's enforcement documents (the owner signs)"""
        business_id = services.get_case_for_member(_user_id(), case_id).business_id
        return services.consent_to_electronic_delivery(_user_id(), business_id, body["signed_name"])

    @access(CITIZEN)
    @blp.response(200, ConsentSchema)
    def delete(self, case_id):
        """Revoke the consent: documents are then delivered by hand or post"""
        business_id = services.get_case_for_member(_user_id(), case_id).business_id
        return services.consent_to_electronic_delivery(_user_id(), business_id, "", revoke=True)


@blp.route("/businesses/<oid:business_id>/credit-repairs")
class CreditRepairs(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, RepairSchema(many=True))
    def get(self, query, business_id):
        """The business's credit repair applications and their decisions"""
        return paginate(services.repairs_of_business(_user_id(), business_id), query["page"], query["per_page"])

    @access(CITIZEN)
    @idempotent
    @blp.arguments(RepairInSchema)
    @blp.response(201, RepairSchema)
    @blp.alt_response(409, description="Too early, a case still open, or one already pending")
    def post(self, body, business_id):
        """Apply for credit repair (信用修复) of a disclosure or a listing, with evidence (owner, manager)"""
        return services.apply_for_repair(_user_id(), business_id, body)
