"""Mini-program: the business's kitchen cameras (明厨亮灶) and the problems regulators put to it from
what the cameras showed."""

from __future__ import annotations

from email.utils import formatdate

from flask import Response
from flask.views import MethodView

from backend.cameras import services
from backend.cameras.schemas import (
    BusinessProblemSchema,
    CameraInSchema,
    CameraSchema,
    CameraUpdateSchema,
    ProblemAnswerSchema,
)
from backend.core.principal import CITIZEN
from backend.core.schemas import PaginationQuerySchema
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.idempotency import idempotent
from backend.web.pagination import paginate

blp = Blueprint(
    "mp_cameras",
    __name__,
    url_prefix="/api/v1/mp/businesses/<oid:business_id>",
    description="Kitchen cameras (明厨亮灶) and the problems raised from them",
)


def _user_id() -> str:
    return current_principal().user_id


@blp.route("/cameras")
class Cameras(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, CameraSchema(many=True))
    def get(self, query, business_id):
        """The business's cameras (never their credentials)"""
        return paginate(services.cameras_of(_user_id(), business_id), query["page"], query["per_page"])

    @access(CITIZEN)
    @idempotent
    @blp.arguments(CameraInSchema)
    @blp.response(201, CameraSchema)
    def post(self, body, business_id):
        """Register a camera: area, stream URL (credentials kept server-side), public or not, hours, interval"""
        return services.add_camera(_user_id(), business_id, body)


@blp.route("/cameras/<oid:camera_id>")
class Camera(MethodView):
    @access(CITIZEN)
    @blp.arguments(CameraUpdateSchema)
    @blp.response(200, CameraSchema)
    def patch(self, body, business_id, camera_id):
        """Change a camera; a new stream URL must be approved again before it is public"""
        return services.update_camera(_user_id(), business_id, camera_id, body)


@blp.route("/cameras/<oid:camera_id>/snapshot.jpg")
class OwnSnapshot(MethodView):
    @access(CITIZEN)
    @blp.response(200, content_type="image/jpeg")
    @blp.alt_response(404, description="Not the business's camera, or not sampled yet")
    def get(self, business_id, camera_id):
        """The latest snapshot of one of the business's cameras (faces blurred); Last-Modified is its capture time"""
        image, captured_at = services.own_snapshot(_user_id(), business_id, camera_id)
        return Response(
            image,
            mimetype="image/jpeg",
            headers={"Cache-Control": "private, no-store", "Last-Modified": formatdate(captured_at, usegmt=True)},
        )


@blp.route("/camera-problems")
class Problems(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, BusinessProblemSchema(many=True))
    def get(self, query, business_id):
        """Problems regulators raised from the cameras (confirmed events and captures), newest first, with the regulator's note and the captured frame (faces blurred)"""
        return paginate(services.problems_of(_user_id(), business_id), query["page"], query["per_page"])


@blp.route("/camera-problems/<oid:event_id>/answer")
class Answer(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(ProblemAnswerSchema)
    @blp.response(200, BusinessProblemSchema)
    def post(self, body, business_id, event_id):
        """Answer a problem with a note and photos (from …/routine-photos)"""
        return services.answer_problem(_user_id(), business_id, event_id, **body)


@blp.route("/camera-problems/<oid:event_id>/pictures/<int:index>.jpg")
class ProblemPicture(MethodView):
    @access(CITIZEN)
    @blp.response(200, content_type="image/jpeg")
    @blp.alt_response(404, description="Not the business's problem, or no picture")
    def get(self, business_id, event_id, index):
        """A problem's captured frame as the business is shown it (faces blurred)"""
        image = services.problem_picture(_user_id(), business_id, event_id, index)
        return Response(image, mimetype="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})
