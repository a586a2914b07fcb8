"""`/api/v1/public/complaints` and `/uploads`: complaint submission and tracking for everyone (no
login needed), and photo uploads."""

from __future__ import annotations

from flask.views import MethodView

from backend.blobs.services import read_capped
from backend.complaints import services
from backend.complaints.schemas import (
    ComplaintCreateSchema,
    KeyQuerySchema,
    PublicStatusSchema,
    RatingSchema,
    SubmittedSchema,
    UploadSchema,
)
from backend.core import context
from backend.web.access import PUBLIC, access, optional_principal
from backend.web.blueprint import Blueprint
from backend.web.fields import FileUploadSchema
from backend.web.idempotency import idempotent
from backend.web.limits import limit_public, limit_submission, limit_upload, public_client

blp = Blueprint(
    "public_complaints",
    __name__,
    url_prefix="/api/v1/public",
    description="Complaints (投诉) and reports (举报) from anyone, and their status",
)


def _who() -> tuple[str, str | None]:
    principal = optional_principal()
    return public_client(), principal.user_id if principal else None


def submitted_body(result: services.Submitted) -> dict:
    complaint = result.complaint
    base = context.settings().PUBLIC_BASE_URL.rstrip("/")
    return {
        "number": complaint.number,
        "query_key": result.query_key,
        "status": complaint.status,
        "accept_due": complaint.accept_due,
        "status_url": f"{base}/complaints/{complaint.number}?key={result.query_key}",
    }


@blp.route("/complaints")
class Complaints(MethodView):
    @access(PUBLIC)
    @idempotent
    @blp.arguments(ComplaintCreateSchema)
    @blp.response(201, SubmittedSchema)
    def post(self, body):
        """Submit a complaint or report; answers the tracking number and a secret query key"""
        client, user_id = _who()
        return submitted_body(
            services.submit(body, client=client, user_id=user_id, throttle=lambda: limit_submission(client, user_id))
        )


@blp.route("/complaints/<number>")
class ComplaintStatus(MethodView):
    @access(PUBLIC)
    @blp.arguments(KeyQuerySchema, location="query")
    @blp.response(200, PublicStatusSchema)
    def get(self, query, number):
        """Status, timeline and replies (needs the query key; a wrong key is 404)"""
        limit_public()  # keys are not to be guessed at speed
        return services.public_status(services.get_for_submitter(number, query["key"]))


@blp.route("/complaints/<number>/rating")
class ComplaintRating(MethodView):
    @access(PUBLIC)
    @blp.arguments(RatingSchema)
    @blp.response(200, PublicStatusSchema)
    def post(self, body, number):
        """Rate the handling (1-5) once the complaint is closed"""
        limit_public()
        return services.public_status(services.rate(number, body["key"], body["rating"], body.get("comment")))


@blp.route("/uploads")
class Uploads(MethodView):
    @access(PUBLIC)
    @idempotent
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, UploadSchema)
    def post(self, files):
        """Upload a photo (JPEG/PNG/WebP, at most 10 MB) for a complaint; use the id in `photos`"""
        client, user_id = _who()
        limit_upload(client, user_id)
        return services.store_public_upload(read_capped(files["file"].stream), user_id or client)
