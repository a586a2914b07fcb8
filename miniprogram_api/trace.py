"""Mini-program: produce certificates (承诺达标合格证) that farm bases issue and print, and the recalls
that reach the user's businesses or household, with their confirmations."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from backend.core.principal import CITIZEN
from backend.core.schemas import PaginationQuerySchema
from backend.trace import pages, services
from backend.trace.schemas import (
    ConfirmSchema,
    ProduceCertificateInSchema,
    ProduceCertificateQuerySchema,
    ProduceCertificateSchema,
    RecallSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.idempotency import idempotent
from backend.web.pagination import paginate

blp = Blueprint(
    "mp_trace",
    __name__,
    url_prefix="/api/v1/mp",
    description="Produce certificates (承诺达标合格证) and recalls (召回) reaching you",
)


def _user_id() -> str:
    return current_principal().user_id


@blp.route("/certificates")
class Certificates(MethodView):
    @access(CITIZEN)
    @blp.arguments(ProduceCertificateQuerySchema, location="query")
    @blp.response(200, ProduceCertificateSchema(many=True))
    def get(self, query):
        """The certificates a business issued, newest first"""
        return paginate(services.certificates_of(_user_id(), query["business_id"]), query["page"], query["per_page"])

    @access(CITIZEN)
    @idempotent
    @blp.arguments(ProduceCertificateInSchema)
    @blp.response(201, ProduceCertificateSchema)
    def post(self, body):
        """A farm base issues a certificate; kept at least 6 months, never deleted here"""
        business_id = body.pop("business_id")
        return services.issue_certificate(_user_id(), business_id, body)


@blp.route("/certificates/<oid:certificate_id>")
class Certificate(MethodView):
    @access(CITIZEN)
    @blp.response(200, ProduceCertificateSchema)
    def get(self, certificate_id):
        """One certificate (its issuer, or a buyer holding a lot that carries it)"""
        return services.get_certificate(_user_id(), certificate_id)


@blp.route("/certificates/<oid:certificate_id>/print")
class PrintCertificate(MethodView):
    @access(CITIZEN)
    @blp.response(200, content_type="text/html")
    def get(self, certificate_id):
        """A printable page of the certificate with its QR code, labelled 承诺达标合格证"""
        certificate = services.get_certificate(_user_id(), certificate_id)
        return Response(pages.certificate_html(certificate), mimetype="text/html")


@blp.route("/recalls")
class Recalls(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, RecallSchema(many=True))
    def get(self, query):
        """Recalls reaching your businesses or household, with your lots only"""
        found = paginate(services.recalls_for_holder(_user_id()), query["page"], query["per_page"])
        return [services.holder_view(recall, _user_id()) for recall in found]


@blp.route("/recalls/<oid:recall_id>/confirm")
class ConfirmRecall(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(ConfirmSchema)
    @blp.response(200, RecallSchema)
    def post(self, body, recall_id):
        """Confirm what became of a recalled lot you hold (destroyed, returned, …)"""
        recall = services.confirm_recall(_user_id(), recall_id, **body)
        return services.holder_view(recall, _user_id())
