"""Console: cameras of the regulator's districts, approval for the public card, the supervision wall
(包保 remote supervision), snapshots, evidence captures and the review of camera events."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from backend.cameras import services
from backend.cameras.schemas import (
    CameraCaptureSchema,
    CameraEventSchema,
    CameraQuerySchema,
    CameraSchema,
    CloseProblemSchema,
    EventQuerySchema,
    EventReviewSchema,
    RecentSnapshotSchema,
    WallEntrySchema,
    WallQuerySchema,
)
from backend.core.principal import ADMIN, REGULATOR
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.idempotency import idempotent
from backend.web.pagination import paginate

blp = Blueprint(
    "console_cameras",
    __name__,
    url_prefix="/api/v1/console",
    description="Kitchen cameras (明厨亮灶): the wall, snapshots, captures, events",
)


@blp.route("/cameras")
class Cameras(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(CameraQuerySchema, location="query")
    @blp.response(200, CameraSchema(many=True))
    def get(self, query):
        """Cameras of the businesses in your districts"""
        found = services.cameras_for_regulator(
            current_principal(), status=query.get("status"), business_id=query.get("business_id")
        )
        return paginate(found, query["page"], query["per_page"])


@blp.route("/cameras/<oid:camera_id>/approve")
class Approve(MethodView):
    @access(REGULATOR, ADMIN)
    @idempotent
    @blp.response(200, CameraSchema)
    def post(self, camera_id):
        """You looked at its latest snapshot: show the camera on the public card (its scene is the reference)"""
        return services.approve_public(current_principal(), camera_id)


@blp.route("/camera-wall")
class Wall(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(WallQuerySchema, location="query")
    @blp.response(200, WallEntrySchema(many=True))
    def get(self, query):
        """Each camera's latest snapshot with its status and age, filtered by status"""
        return services.wall(current_principal(), status=query.get("status"), business_id=query.get("business_id"))


@blp.route("/cameras/<oid:camera_id>/snapshot.jpg")
class Snapshot(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, content_type="image/jpeg")
    def get(self, camera_id):
        """The latest snapshot as captured"""
        image = services.snapshot_for_regulator(current_principal(), camera_id)
        return Response(image, mimetype="image/jpeg", headers={"Cache-Control": "no-store"})


@blp.route("/cameras/<oid:camera_id>/snapshots")
class RecentSnapshots(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, RecentSnapshotSchema(many=True))
    def get(self, camera_id):
        """The camera's recent snapshots, newest first"""
        return services.recent_snapshots(current_principal(), camera_id)


@blp.route("/cameras/<oid:camera_id>/snapshots/<int:index>.jpg")
class RecentSnapshot(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, content_type="image/jpeg")
    def get(self, camera_id, index):
        """One recent snapshot"""
        image = services.snapshot_for_regulator(current_principal(), camera_id, index)
        return Response(image, mimetype="image/jpeg", headers={"Cache-Control": "no-store"})


@blp.route("/cameras/<oid:camera_id>/capture")
class Capture(MethodView):
    @access(REGULATOR, ADMIN)
    @idempotent
    @blp.arguments(CameraCaptureSchema)
    @blp.response(201, CameraEventSchema)
    def post(self, body, camera_id):
        """Keep the latest frame as evidence with a note (不规范操作画面捕捉); the business must answer it"""
        return services.capture(current_principal(), camera_id, body["note"])


@blp.route("/camera-events")
class Events(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(EventQuerySchema, location="query")
    @blp.response(200, CameraEventSchema(many=True))
    def get(self, query):
        """Status changes, notable scenes and captures of your districts' cameras, newest first"""
        found = services.events_for_regulator(
            current_principal(), status=query.get("status"), kind=query.get("kind"), camera_id=query.get("camera_id")
        )
        return paginate(found, query["page"], query["per_page"])


@blp.route("/camera-events/<oid:event_id>/evidence/<int:index>.jpg")
class EventEvidence(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, content_type="image/jpeg")
    def get(self, event_id, index):
        """An event's evidence frame as kept (the business is shown it with faces blurred)"""
        image = services.evidence_for_regulator(current_principal(), event_id, index)
        return Response(image, mimetype="image/jpeg", headers={"Cache-Control": "no-store"})


@blp.route("/camera-events/<oid:event_id>/review")
class Review(MethodView):
    @access(REGULATOR, ADMIN)
    @idempotent
    @blp.arguments(EventReviewSchema)
    @blp.response(200, CameraEventSchema)
    def post(self, body, event_id):
        """Confirm (the business must answer) or dismiss an event, with a reason"""
        return services.review_event(
            current_principal(), event_id, confirm=body["decision"] == "confirm", reason=body["reason"]
        )


@blp.route("/camera-events/<oid:event_id>/escalate")
class Escalate(MethodView):
    @access(REGULATOR, ADMIN)
    @idempotent
    @blp.arguments(CloseProblemSchema)
    @blp.response(200, CameraEventSchema)
    def post(self, body, event_id):
        """Not fixed or disputed without ground: the problem becomes a lead for enforcement (非现场执法)"""
        return services.escalate_problem(current_principal(), event_id, body["note"])


@blp.route("/camera-events/<oid:event_id>/close")
class Close(MethodView):
    @access(REGULATOR, ADMIN)
    @idempotent
    @blp.arguments(CloseProblemSchema)
    @blp.response(200, CameraEventSchema)
    def post(self, body, event_id):
        """Close the problem once the business's answer is satisfactory"""
        return services.close_problem(current_principal(), event_id, body["note"])
