"""Mini-program: the business's failed samples and what it did about them (核查处置), re-test requests,
and its own rapid tests (快检)."""

from __future__ import annotations

from flask.views import MethodView

from backend.core.principal import CITIZEN
from backend.core.schemas import PaginationQuerySchema
from backend.sampling import cases, rapid
from backend.sampling.schemas import (
    CaseActionInSchema,
    CaseSchema,
    MemberCaseQuerySchema,
    RapidTestInSchema,
    RapidTestSchema,
    RetestInSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.idempotency import idempotent
from backend.web.pagination import paginate

blp = Blueprint(
    "mp_sampling",
    __name__,
    url_prefix="/api/v1/mp/businesses/<oid:business_id>",
    description="The business's failed samples (核查处置), re-tests (复检) and rapid tests (快检)",
)


def _user_id() -> str:
    return current_principal().user_id


@blp.route("/dispositions")
class Dispositions(MethodView):
    @access(CITIZEN)
    @blp.arguments(MemberCaseQuerySchema, location="query")
    @blp.response(200, CaseSchema(many=True))
    def get(self, query, business_id):
        """The business's disposition cases, open first (`status=open|closed`)"""
        found = cases.cases_for_member(_user_id(), business_id, status=query.get("status"))
        return paginate(found, query["page"], query["per_page"])


@blp.route("/dispositions/<string:case_id>")
class Disposition(MethodView):
    @access(CITIZEN)
    @blp.response(200, CaseSchema)
    def get(self, business_id, case_id):
        """One case: the failed items, the deadlines, what was recorded"""
        return cases.get_case_for_member(_user_id(), business_id, case_id)


@blp.route("/dispositions/<string:case_id>/actions")
class CaseActions(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(CaseActionInSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, business_id, case_id):
        """Record what the business did (stopped sale, sealed, recalled, found the cause, fixed, reported)"""
        return cases.record_action(_user_id(), business_id, case_id, **body)


@blp.route("/dispositions/<string:case_id>/retest")
class RetestRequest(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(RetestInSchema)
    @blp.response(200, CaseSchema)
    def post(self, body, business_id, case_id):
        """Ask for a re-test (复检) before the deadline; not for microbiological items"""
        return cases.request_retest(
            _user_id(), business_id, case_id, items=body.get("items"), reason=body["reason"], lab=body.get("lab")
        )


@blp.route("/rapid-tests")
class RapidTests(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, RapidTestSchema(many=True))
    def get(self, query, business_id):
        """The business's rapid tests, newest first"""
        return paginate(rapid.rapid_tests_for_member(_user_id(), business_id), query["page"], query["per_page"])

    @access(CITIZEN)
    @idempotent
    @blp.arguments(RapidTestInSchema)
    @blp.response(201, RapidTestSchema)
    def post(self, body, business_id):
        """Enter a rapid test (photo of the card from …/routine-photos); a failed one opens a case, re-test within 4 hours"""
        return rapid.record_rapid_test(_user_id(), business_id, body)
