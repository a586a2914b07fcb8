"""Console: trace a lot backward and forward across hops, recalls with their completion, and the
FSMA 204 and EPCIS 2.0 exports."""

from __future__ import annotations

import json

from flask import Response
from flask.views import MethodView

from backend.core.principal import ADMIN, REGULATOR
from backend.trace import epcis, services
from backend.trace.schemas import ExportQuerySchema, RecallInSchema, RecallQuerySchema, RecallSchema, TraceSchema
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.downloads import csv_download
from backend.web.idempotency import idempotent
from backend.web.pagination import paginate

blp = Blueprint(
    "console_trace",
    __name__,
    url_prefix="/api/v1/console",
    description="Trace (一品一码) across hops, recalls (召回), FSMA 204 and EPCIS exports",
)


@blp.route("/trace/<string:code>/backward")
class TraceBackward(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, TraceSchema)
    def get(self, code):
        """Where a lot came from, through every hop"""
        return services.trace(current_principal(), code, backward=True)


@blp.route("/trace/<string:code>/forward")
class TraceForward(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, TraceSchema)
    def get(self, code):
        """Where a lot went, through every hop, to each business and household"""
        return services.trace(current_principal(), code, backward=False)


@blp.route("/recalls")
class Recalls(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(RecallQuerySchema, location="query")
    @blp.response(200, RecallSchema(many=True))
    def get(self, query):
        """Recalls reaching your districts, with their completion rate"""
        found = paginate(
            services.recalls_for_regulator(current_principal(), status=query.get("status")),
            query["page"],
            query["per_page"],
        )
        return [{**services.recall_summary(recall), "targets": recall.targets} for recall in found]

    @access(REGULATOR, ADMIN)
    @idempotent
    @blp.arguments(RecallInSchema)
    @blp.response(201, RecallSchema)
    def post(self, body):
        """Start a recall from a lot (trace_code), a supplier's product over production dates, or a failed sample"""
        recall = services.start_recall(current_principal(), **body)
        return {**services.recall_summary(recall), "targets": recall.targets}


@blp.route("/recalls/<oid:recall_id>")
class RecallDetail(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, RecallSchema)
    def get(self, recall_id):
        """One recall: every lot, who holds it, and what they confirmed"""
        recall = services.get_recall_for_regulator(current_principal(), recall_id)
        return {**services.recall_summary(recall), "targets": recall.targets}


def _exported_lots(query: dict):
    return services.export_lots(
        current_principal(),
        trace_code=query.get("trace_code"),
        date_from=query.get("date_from"),
        date_to=query.get("date_to"),
    )


@blp.route("/exports/fsma204.csv")
class FsmaExport(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(ExportQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query):
        """Tracking events with their key data elements, for a lot's chain or a date range, sortable"""
        lots = _exported_lots(query)
        return csv_download(services.fsma_csv(services.tracking_events(lots), query["sort"]), "fsma204-events.csv")


@blp.route("/exports/epcis.json")
class EpcisExport(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(ExportQuerySchema, location="query")
    @blp.response(200, content_type="application/ld+json")
    def get(self, query):
        """EPCIS 2.0 JSON-LD events (ObjectEvent, TransactionEvent, TransformationEvent)"""
        lots = _exported_lots(query)
        body = json.dumps(epcis.document(lots), ensure_ascii=False)
        return Response(body, mimetype="application/ld+json")
