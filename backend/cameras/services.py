"""Kitchen cameras (明厨亮灶): the registry, what the video worker records, the supervision wall,
evidence captures, event review, and the problems a business answers. Every rule lives here.

A camera URL is user input that a worker will connect to: only rtsp(s), http(s) and (for demos)
files under CAMERA_FILE_DIR; credentials are split off the URL and kept server-side; a host that is,
or resolves to, a loopback, private, link-local or reserved address is refused unless
CAMERA_ALLOW_PRIVATE_ADDRESSES (the worker checks again before each connection, against DNS tricks).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from backend.blobs.store import blob_store
from backend.cameras import addresses, snapshots
from backend.cameras.errors import CameraNotFound, EventConflict, EventNotFound, StreamUrlRefused
from backend.cameras.models import (
    AREAS,
    CAPTURE,
    CONFIRMED,
    DISMISSED,
    NEW,
    PROBLEM_ANSWERED,
    PROBLEM_CLOSED,
    PROBLEM_ESCALATED,
    PROBLEM_OPEN,
    STATUS_CHANGE,
    STATUS_LABELS,
    Camera,
    CameraEvent,
    Evidence,
    Problem,
)
from backend.core import context, domains
from backend.core.errors import InvalidInput
from backend.core.ids import object_id
from backend.core.principal import Principal
from backend.core.text import Text
from backend.core.timeutil import SHANGHAI, utcnow
from backend.public_card import services as cards
from backend.registry.models import APPROVED, HOUSEHOLD, MANAGER, OWNER, STAFF, Business
from backend.registry.services import get_for_member as member_business
from backend.routine.models import RoutinePhoto
from backend.workflow.services import change_state, create_record

CARD_SECTION = "cameras"
SCHEMES = {"rtsp", "rtsps", "http", "https", "file"}


def binary_redis():
    return context.stores().binary_redis()


# -- stream URLs --------------------------------------------------------------------------------------


def split_stream_url(url: str) -> tuple[str, str | None]:
    """The URL without its user and password, and "user:password" (None when it had none); refused
    with the reason when it is not a URL a worker may open."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise StreamUrlRefused(
            errors={"stream_url": [Text("rtsp://, rtsps://, http(s):// (MJPEG, MPEG-TS, HLS) or a demo file.")]}
        )
    if scheme == "file":
        _check_file(unquote(parts.path))
        return urlunsplit(("file", "", parts.path, "", "")), None
    try:
        port = parts.port
    except ValueError:
        raise StreamUrlRefused(errors={"stream_url": [Text("The port must be a number from 1 to 65535.")]}) from None
    if not parts.hostname:
        raise StreamUrlRefused(errors={"stream_url": [Text("No host.")]})
    if port == 0:
        raise StreamUrlRefused(errors={"stream_url": [Text("The port must be a number from 1 to 65535.")]})
    check_host(parts.hostname)
    credentials = None
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((scheme, netloc, parts.path, parts.query, "")), credentials


def _check_file(path: str) -> None:
    folder = context.settings().CAMERA_FILE_DIR
    if not folder:
        raise StreamUrlRefused(errors={"stream_url": [Text("Files are not allowed as cameras here.")]})
    real, base = os.path.realpath(path), os.path.realpath(folder)
    if os.path.commonpath([real, base]) != base or not os.path.isfile(real):
        raise StreamUrlRefused(errors={"stream_url": [Text("Not a file in the demo folder.")]})


def check_host(host: str) -> None:
    """Refuse hosts that are, or resolve to, addresses inside the platform's own networks."""
    try:
        addresses.resolve_checked(host, None, context.settings().CAMERA_ALLOW_PRIVATE_ADDRESSES)
    except addresses.AddressRefused as refused:
        reason = (
            Text("The host does not resolve.")
            if "resolve" in str(refused)
            else Text("The host is a private or reserved address.")
        )
        raise StreamUrlRefused(errors={"stream_url": [reason]}) from None


def connection_url(camera: Camera) -> str:
    """The URL the worker opens: the stored one with its credentials put back (never shown)."""
    if not camera.credentials:
        return camera.stream_url
    user, _, password = camera.credentials.partition(":")
    parts = urlsplit(camera.stream_url)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


# -- the registry -------------------------------------------------------------------------------------


def add_camera(user_id: Any, business_id: Any, values: dict) -> Camera:
    """A camera of an approved business (a draft's would be sampled for nobody to supervise), up to
    CAMERA_MAX_PER_BUSINESS (a household has none), sampled no more often than CAMERA_MIN_INTERVAL."""
    business, _role = member_business(user_id, business_id, roles=(OWNER, MANAGER))
    if business.status != APPROVED:
        raise InvalidInput(errors={"business": [Text("Cameras are added once the registration is approved.")]})
    limit = 0 if business.kind == HOUSEHOLD else context.settings().CAMERA_MAX_PER_BUSINESS
    if Camera.objects.of_business(business.id).count() >= limit:
        raise InvalidInput(errors={"business": [Text("A business has at most {limit} cameras.", limit=limit)]})
    _check_interval(values.get("interval_seconds"))
    url, credentials = split_stream_url(values.pop("stream_url"))
    if values.get("credentials"):
        credentials = values.pop("credentials")
    values.pop("credentials", None)
    camera = Camera(
        business_id=business.id,
        district_scopes=list(business.district_scopes),
        stream_url=url,
        credentials=credentials,
        status_since=utcnow(),
        **values,
    )
    return create_record(
        camera, action="registered", actor_id=user_id, target_type="camera", then=lambda c: publish_card(c.business_id)
    )


def cameras_of(user_id: Any, business_id: Any):
    business, _role = member_business(user_id, business_id)
    return Camera.objects.of_business(business.id).order_by("name", "id")


def camera_for_member(user_id: Any, business_id: Any, camera_id: Any, *, manage: bool = False) -> Camera:
    roles = (OWNER, MANAGER) if manage else (OWNER, MANAGER, STAFF)
    business, _role = member_business(user_id, business_id, roles=roles)
    camera = Camera.objects(id=object_id(camera_id), business_id=business.id).first()
    if camera is None:
        raise CameraNotFound()
    return camera


def _check_interval(seconds: int | None) -> None:
    least = context.settings().CAMERA_MIN_INTERVAL
    if seconds is not None and seconds < least:
        raise InvalidInput(
            errors={"interval_seconds": [Text("At least {least} seconds between samples.", least=least)]}
        )


def update_camera(user_id: Any, business_id: Any, camera_id: Any, values: dict) -> Camera:
    camera = camera_for_member(user_id, business_id, camera_id, manage=True)
    _check_interval(values.get("interval_seconds"))
    updates = {f"set__{name}": value for name, value in values.items() if name not in ("stream_url", "credentials")}
    if "stream_url" in values:
        url, credentials = split_stream_url(values["stream_url"])
        # a new stream is a new scene: it must be looked at and approved again
        updates.update(
            set__stream_url=url,
            set__credentials=values.get("credentials") or credentials,
            set__public_approved=False,
            set__reference_hash=None,
        )
    elif "credentials" in values:
        updates["set__credentials"] = values["credentials"]
    updated = change_state(
        Camera.objects,
        camera.id,
        action="updated",
        actor_id=user_id,
        target_type="camera",
        updates=updates,
        after_write=lambda c: publish_card(c.business_id),
        not_found=CameraNotFound,
    )
    return updated


def cameras_for_regulator(principal: Principal, *, status: str | None = None, business_id: Any = None):
    found = Camera.objects.visible_to(principal)
    if status:
        found = found.filter(status=status)
    if business_id:
        found = found.filter(business_id=object_id(business_id))
    return found.order_by("business_id", "name")


def get_for_regulator_camera(principal: Principal, camera_id: Any) -> Camera:
    return Camera.objects.get_visible(principal, CameraNotFound, id=camera_id)


def approve_public(principal: Principal, camera_id: Any) -> Camera:
    """A person looked at the latest snapshot and approves showing the camera; the scene becomes the
    reference that `moved` compares with."""
    camera = get_for_regulator_camera(principal, camera_id)
    if not camera.staff_informed:
        raise InvalidInput(
            errors={"staff_informed": [Text("The business has not confirmed its staff were told they are filmed.")]}
        )
    seen = snapshots.meta(binary_redis(), [camera.id]).get(str(camera.id))
    if seen is None:
        raise InvalidInput(
            errors={"snapshot": [Text("No snapshot yet: approve once the first one has been looked at.")]}
        )
    return change_state(
        Camera.objects,
        camera.id,
        action="approved",
        actor_id=principal.user_id,
        target_type="camera",
        updates={
            "set__public_approved": True,
            "set__approved_by": object_id(principal.user_id),
            "set__approved_at": utcnow(),
            "set__reference_hash": seen.phash,
        },
        after_write=lambda c: publish_card(c.business_id),
        not_found=CameraNotFound,
    )


# -- the public card ----------------------------------------------------------------------------------


def publish_card(business_id: Any) -> None:
    """Which areas the business monitors (every camera in use, with its signage: monitoring locations
    are published), and the cameras approved for the public with their latest snapshot."""
    monitoring = list(Camera.objects.monitoring(object_id(business_id)).only("area", "signage", "public_approved"))
    shown = list(Camera.objects.shown_publicly(object_id(business_id)).order_by("name"))
    business = Business.objects(id=object_id(business_id)).only("public_code").first()
    if not monitoring or business is None or not business.public_code:
        cards.withdraw_section(business_id, CARD_SECTION)
        return
    areas: dict[str, bool] = {}
    for camera in monitoring:  # an area is signposted when every camera filming it is
        areas[camera.area] = areas.get(camera.area, True) and camera.signage
    monitored = [{"area": area, "area_label": AREAS[area], "signage": signed} for area, signed in sorted(areas.items())]
    base = f"{context.settings().PUBLIC_BASE_URL.rstrip('/')}/q/{business.public_code}/cameras"
    entries = [
        {
            "id": str(camera.id),
            "name": camera.name,
            "area": camera.area,
            "area_label": AREAS[camera.area],
            "status": camera.status,
            "status_label": STATUS_LABELS.get(camera.status, camera.status),
            "status_since": camera.status_since.isoformat() if camera.status_since else None,
            "snapshot_url": f"{base}/{camera.id}.jpg",
        }
        for camera in shown[:12]
    ]
    cards.publish_section(business_id, CARD_SECTION, {"cameras": entries, "monitored": monitored})


def public_snapshot(public_code: str, camera_id: Any) -> tuple[bytes, float] | None:
    """The public copy (faces blurred) of a camera the card shows, with its capture time."""
    business = Business.objects(public_code=public_code).only("id").first() if public_code else None
    if business is None:
        return None
    camera = Camera.objects.shown_publicly(business.id).filter(id=object_id(camera_id)).first()
    if camera is None:
        return None
    redis = binary_redis()
    image = snapshots.latest(redis, camera.id, public=True)
    seen = snapshots.meta(redis, [camera.id]).get(str(camera.id))
    if image is None or seen is None:
        return None
    return image, seen.captured_at


# -- what the worker records --------------------------------------------------------------------------


def record_status(
    camera_id: Any,
    status: str,
    *,
    previous: str | None,
    evidence_jpeg: bytes | None,
    details: dict,
    shown_jpeg: bytes | None = None,
) -> None:
    """A camera's status changed: the camera record, an event with its evidence, the card. Safe to
    run twice (the event's key is the camera, the new status and the moment it began)."""
    now = utcnow()
    try:
        camera = change_state(
            Camera.objects,
            object_id(camera_id),
            action="status_changed",
            actor_id=None,  # the video worker
            target_type="camera",
            updates={"set__status": status, "set__status_since": now, "set__last_sample_at": now},
            not_found=CameraNotFound,
        )
    except CameraNotFound:
        return  # deleted meanwhile
    _add_event(
        camera,
        kind=STATUS_CHANGE,
        label=status,
        previous=previous,
        evidence_jpeg=evidence_jpeg,
        shown_jpeg=shown_jpeg,
        details=details,
        dedupe_key=f"{camera.id}:{status}:{int(now.timestamp())}",
    )
    if camera.public and camera.public_approved:
        publish_card(camera.business_id)


def record_scene(
    camera_id: Any,
    label: str,
    *,
    evidence_jpeg: bytes,
    score: float | None,
    details: dict,
    bucket: str,
    shown_jpeg: bytes | None = None,
) -> None:
    """A notable scene (people outside opening hours, a detector's finding), once per `bucket`."""
    camera = Camera.objects(id=object_id(camera_id)).first()
    if camera is None:
        return
    _add_event(
        camera,
        kind="scene",
        label=label,
        previous=None,
        evidence_jpeg=evidence_jpeg,
        shown_jpeg=shown_jpeg,
        details=details,
        score=score,
        dedupe_key=f"{camera.id}:{label}:{bucket}",
    )


def _evidence(jpeg: bytes | None, at: datetime, shown: bytes | None = None) -> list[Evidence]:
    """The frame kept as evidence (its hash shows it unaltered) and, when there is one, the same frame
    with faces blurred, which is what the business is shown."""
    if not jpeg:
        return []
    store = blob_store()
    return [
        Evidence(
            sha256=store.put(jpeg), captured_at=at, size=len(jpeg), shown_sha256=store.put(shown) if shown else None
        )
    ]


def _add_event(
    camera: Camera, *, kind, label, previous, evidence_jpeg, details, dedupe_key, score=None, shown_jpeg=None
) -> None:
    from mongoengine import NotUniqueError

    event = CameraEvent(
        camera_id=camera.id,
        business_id=camera.business_id,
        district_scopes=list(camera.district_scopes),
        kind=kind,
        label=label,
        previous=previous,
        details=details,
        score=score,
        evidence=_evidence(evidence_jpeg, utcnow(), shown_jpeg),
        dedupe_key=dedupe_key,
    )
    try:
        create_record(event, action="raised", actor_id=None, target_type="camera_event")
    except NotUniqueError:
        pass  # raised before: a worker's retry


def worker_cameras() -> list[Camera]:
    """What the workers share: the enabled cameras of approved businesses, with what a sampler needs,
    in a fair order: each business's first camera, then each one's second, … (so a business with many
    cameras cannot fill the workers' slots before another's first camera is sampled)."""
    cameras = list(
        Camera.objects.enabled()
        .only(
            "id",
            "stream_url",
            "credentials",
            "interval_seconds",
            "opens_at",
            "closes_at",
            "reference_hash",
            "status",
            "business_id",
        )
        .order_by("business_id", "created_at", "id")
    )
    approved = set(Business.objects(id__in=list({c.business_id for c in cameras}), status=APPROVED).distinct("id"))
    turns: dict[Any, int] = {}
    ranked = []
    for camera in cameras:
        if camera.business_id in approved:
            turns[camera.business_id] = turns.get(camera.business_id, 0) + 1
            ranked.append((turns[camera.business_id], camera))
    return [camera for _turn, camera in sorted(ranked, key=lambda pair: pair[0])]


# -- the supervision wall -----------------------------------------------------------------------------


def wall(principal: Principal, *, status: str | None = None, business_id: Any = None) -> list[dict]:
    """Each camera of the regulator's districts with its latest snapshot's status and age."""
    cameras = list(cameras_for_regulator(principal, business_id=business_id)[:500])
    seen = snapshots.meta(binary_redis(), [camera.id for camera in cameras])
    names = {b.id: b.name for b in Business.objects(id__in=list({c.business_id for c in cameras})).only("name")}
    now = utcnow().timestamp()
    rows = []
    for camera in cameras:
        latest = seen.get(str(camera.id))
        current = latest.status if latest else camera.status
        if status and current != status:
            continue
        rows.append(
            {
                "camera": camera,
                "business_name": names.get(camera.business_id),
                "status": current,
                "status_label": STATUS_LABELS.get(current, current),
                "captured_at": datetime.fromtimestamp(latest.captured_at, SHANGHAI) if latest else None,
                "age_seconds": round(now - latest.captured_at, 1) if latest else None,
                "activity": latest.activity if latest else None,
                "snapshot_url": f"/api/v1/console/cameras/{camera.id}/snapshot.jpg" if latest else None,
            }
        )
    return rows


def supervision_view(business_id: Any) -> list[dict]:
    """A business's cameras in use, each with its latest status and the age of its latest snapshot, for
    the official paired with it (the snapshot link serves the copy with faces blurred)."""
    cameras = list(Camera.objects.monitoring(object_id(business_id)).order_by("name"))
    seen = snapshots.meta(binary_redis(), [camera.id for camera in cameras])
    now = utcnow().timestamp()
    rows = []
    for camera in cameras:
        latest = seen.get(str(camera.id))
        current = latest.status if latest else camera.status
        rows.append(
            {
                "id": str(camera.id),
                "name": camera.name,
                "area": camera.area,
                "area_label": AREAS[camera.area],
                "status": current,
                "status_label": STATUS_LABELS.get(current, current),
                "age_seconds": round(now - latest.captured_at, 1) if latest else None,
                "has_snapshot": latest is not None,
            }
        )
    return rows


def blurred_snapshot(business_id: Any, camera_id: Any) -> bytes:
    """The latest snapshot of one of the business's cameras, faces blurred."""
    camera = Camera.objects(business_id=object_id(business_id), id=object_id(camera_id, CameraNotFound)).first()
    image = snapshots.latest(binary_redis(), camera.id, public=True) if camera else None
    if image is None:
        raise CameraNotFound(Text("No snapshot."))
    return image


def keep_latest_frame(business_id: Any, camera_id: Any) -> str:
    """The latest frame of one of the business's cameras, as captured, kept as a blob: its SHA-256."""
    camera = Camera.objects(business_id=object_id(business_id), id=object_id(camera_id, CameraNotFound)).first()
    if camera is None:
        raise CameraNotFound()
    image = snapshots.latest(binary_redis(), camera.id, public=False)
    if image is None:
        raise InvalidInput(errors={"camera": [Text("No snapshot to capture yet.")]})
    return blob_store().put(image)


def open_problems(business_id: Any):
    """The business's camera problems not yet closed or escalated."""
    return (
        CameraEvent.objects.problems_of(object_id(business_id))
        .filter(problem__status__in=[PROBLEM_OPEN, PROBLEM_ANSWERED])
        .order_by("-created_at")
    )


def snapshot_for_regulator(principal: Principal, camera_id: Any, index: int | None = None) -> bytes:
    camera = get_for_regulator_camera(principal, camera_id)
    redis = binary_redis()
    if index is None:
        image = snapshots.latest(redis, camera.id, public=False)
    else:
        recent = snapshots.recent(redis, camera.id)
        image = recent[index][1] if 0 <= index < len(recent) else None
    if image is None:
        raise CameraNotFound(Text("No snapshot."))
    return image


def recent_snapshots(principal: Principal, camera_id: Any) -> list[dict]:
    camera = get_for_regulator_camera(principal, camera_id)
    return [
        {
            "index": index,
            "captured_at": datetime.fromtimestamp(at, SHANGHAI),
            "url": f"/api/v1/console/cameras/{camera.id}/snapshots/{index}.jpg",
            "bytes": len(image),
        }
        for index, (at, image) in enumerate(snapshots.recent(binary_redis(), camera.id))
    ]


def capture(principal: Principal, camera_id: Any, note: str) -> CameraEvent:
    """不规范操作画面捕捉: the latest full snapshot kept as evidence with the regulator's note; the
    business must answer it."""
    camera = get_for_regulator_camera(principal, camera_id)
    image, shown = snapshots.latest_pair(binary_redis(), camera.id)
    if image is None:
        raise InvalidInput(errors={"camera": [Text("No snapshot to capture yet.")]})
    event = CameraEvent(
        camera_id=camera.id,
        business_id=camera.business_id,
        district_scopes=list(camera.district_scopes),
        kind=CAPTURE,
        label=CAPTURE,
        evidence=_evidence(image, utcnow(), shown),
        note=note,
        status=CONFIRMED,
        raised_by=object_id(principal.user_id),
        reviewed_by=object_id(principal.user_id),
        reviewed_at=utcnow(),
        problem=new_problem(),
    )
    return create_record(event, action="captured", actor_id=principal.user_id, target_type="camera_event")


def events_for_regulator(
    principal: Principal, *, status: str | None = None, kind: str | None = None, camera_id: Any = None
):
    found = CameraEvent.objects.visible_to(principal)
    if status:
        found = found.filter(status=status)
    if kind:
        found = found.filter(kind=kind)
    if camera_id:
        found = found.filter(camera_id=object_id(camera_id))
    return found.order_by("-created_at", "-id")


def evidence_for_regulator(principal: Principal, event_id: Any, index: int) -> bytes:
    """An event's evidence frame as kept (its hash shows it unaltered), for the regulators of its
    districts; the business is shown the blurred copy (`problem_picture`)."""
    event = CameraEvent.objects.get_visible(principal, EventNotFound, id=event_id)
    if not 0 <= index < len(event.evidence):
        raise EventNotFound(Text("No picture to show for this problem."))
    return blob_store().get(event.evidence[index].sha256)


def new_problem() -> Problem:
    """A problem the business is told of now, with its deadlines."""
    now = utcnow()
    settings = context.settings()
    return Problem(
        status=PROBLEM_OPEN,
        raised_at=now,
        plan_due=now + timedelta(hours=settings.CAMERA_PLAN_HOURS),
        recheck_due=now + timedelta(hours=settings.CAMERA_RECHECK_HOURS),
    )


def escalate_problem(principal: Principal, event_id: Any, reason: str) -> CameraEvent:
    """Not fixed, disputed without ground, or too serious for the loop: the problem becomes a lead for
    enforcement to review (with its frame as evidence)."""
    escalated = change_state(
        CameraEvent.objects.visible_to(principal),
        object_id(event_id),
        action="problem_escalated",
        actor_id=principal.user_id,
        target_type="camera_event",
        conditions={"problem__status__in": [PROBLEM_OPEN, PROBLEM_ANSWERED]},
        updates={
            "set__problem__status": PROBLEM_ESCALATED,
            "set__problem__closed_by": object_id(principal.user_id),
            "set__problem__closed_at": utcnow(),
            "set__problem__closing_note": reason,
        },
        not_found=EventNotFound,
        conflict=EventConflict,
        conflict_message=Text("Only an open or answered problem is escalated."),
    )
    domains.announce(
        "violation_suspected",
        kind="camera",
        source_id=str(escalated.id),
        business_id=escalated.business_id,
        summary=f"明厨亮灶画面问题：{escalated.note or STATUS_LABELS.get(escalated.label, escalated.label)}；{reason}",
        evidence=[e.sha256 for e in escalated.evidence],
        shown_evidence=[e.shown_sha256 or "" for e in escalated.evidence],
    )
    return escalated


def review_event(principal: Principal, event_id: Any, *, confirm: bool, reason: str) -> CameraEvent:
    """Confirm (the business must answer it) or dismiss, with a reason; one reviewer wins."""
    return change_state(
        CameraEvent.objects.visible_to(principal),
        object_id(event_id),
        action="confirmed" if confirm else "dismissed",
        actor_id=principal.user_id,
        target_type="camera_event",
        from_statuses=(NEW,),
        to_status=CONFIRMED if confirm else DISMISSED,
        updates={
            "set__reviewed_by": object_id(principal.user_id),
            "set__reviewed_at": utcnow(),
            "set__review_reason": reason,
            **({"set__problem": new_problem()} if confirm else {}),
        },
        not_found=EventNotFound,
        conflict=EventConflict,
    )


def close_problem(principal: Principal, event_id: Any, note: str) -> CameraEvent:
    return change_state(
        CameraEvent.objects.visible_to(principal),
        object_id(event_id),
        action="problem_closed",
        actor_id=principal.user_id,
        target_type="camera_event",
        conditions={"problem__status__in": [PROBLEM_OPEN, PROBLEM_ANSWERED]},
        updates={
            "set__problem__status": PROBLEM_CLOSED,
            "set__problem__closed_by": object_id(principal.user_id),
            "set__problem__closed_at": utcnow(),
            "set__problem__closing_note": note,
        },
        not_found=EventNotFound,
        conflict=EventConflict,
        conflict_message=Text("Only an open or answered problem is closed."),
    )


def problems_of(user_id: Any, business_id: Any):
    business, _role = member_business(user_id, business_id)
    return CameraEvent.objects.problems_of(business.id).order_by("-created_at")


def problem_picture(user_id: Any, business_id: Any, event_id: Any, index: int) -> bytes:
    """A problem's evidence as its business is shown it: the frame with faces blurred."""
    business, _role = member_business(user_id, business_id)
    event = CameraEvent.objects.problems_of(business.id).filter(id=object_id(event_id, EventNotFound)).first()
    if event is None:
        raise EventNotFound()
    if not 0 <= index < len(event.evidence) or not event.evidence[index].shown_sha256:
        raise EventNotFound(Text("No picture to show for this problem."))
    return blob_store().get(event.evidence[index].shown_sha256)


def own_snapshot(user_id: Any, business_id: Any, camera_id: Any) -> tuple[bytes, float]:
    """The latest snapshot of one of the business's own cameras (faces blurred), with its capture time."""
    business, _role = member_business(user_id, business_id)
    camera = Camera.objects(id=object_id(camera_id, CameraNotFound), business_id=business.id).first()
    if camera is None:
        raise CameraNotFound()
    redis = binary_redis()
    image = snapshots.latest(redis, camera.id, public=True)
    seen = snapshots.meta(redis, [camera.id]).get(str(camera.id))
    if image is None or seen is None:
        raise CameraNotFound(Text("No snapshot yet: the camera has not been sampled."))
    return image, seen.captured_at


def answer_problem(
    user_id: Any, business_id: Any, event_id: Any, *, note: str, photos: list[str], stance: str = "confirm"
) -> CameraEvent:
    business, _role = member_business(user_id, business_id, roles=(OWNER, MANAGER))
    if RoutinePhoto.objects.missing(business.id, photos):
        raise InvalidInput(errors={"photos": [Text("A photo was not uploaded for this business.")]})
    return change_state(
        CameraEvent.objects(business_id=business.id),
        object_id(event_id),
        action="problem_answered",
        actor_id=user_id,
        target_type="camera_event",
        conditions={"problem__status__in": [PROBLEM_OPEN, PROBLEM_ANSWERED]},
        updates={
            "set__problem__status": PROBLEM_ANSWERED,
            "set__problem__answer": note,
            "set__problem__stance": stance,
            "set__problem__photos": photos,
            "set__problem__answered_by": object_id(user_id),
            "set__problem__answered_at": utcnow(),
        },
        not_found=EventNotFound,
        conflict=EventConflict,
        conflict_message=Text("The problem is closed."),
    )
