"""The latest snapshots of each camera, in Redis: what the video worker writes and the public page,
the supervision wall and evidence captures read. Per camera:

- `cam:{<id>}:public`: the latest JPEG with faces blurred (what the public page shows);
- `cam:{<id>}:full`: the latest JPEG as captured (regulators' wall and evidence);
- `cam:{<id>}:meta`: captured_at (epoch seconds), status, activity, phash, worker;
- `cam:{<id>}:recent`: the last RECENT full snapshots, newest first, each prefixed by its capture time.

The id in braces keeps a camera's keys in one hash slot of a Redis Cluster (one node, one MGET).

Every key expires after KEEP_SECONDS without a new sample, so a camera no worker samples any more
shows no stale picture for long. Callers pass a client that returns bytes (`binary_redis()`).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

RECENT = 10
KEEP_SECONDS = 24 * 3600
_TIME = struct.Struct(">d")


def _key(camera_id: Any, part: str) -> str:
    return f"cam:{{{camera_id}}}:{part}"


def keys(camera_id: Any) -> list[str]:
    """Every key a camera's snapshots use (what it costs Redis: bench/video)."""
    return [_key(camera_id, part) for part in ("public", "full", "meta", "recent")]


@dataclass(frozen=True)
class SnapshotMeta:
    captured_at: float
    status: str
    activity: float
    phash: str | None
    worker: str | None


def store(redis, camera_id: Any, *, public_jpeg: bytes, full_jpeg: bytes, meta: dict) -> None:
    captured_at = float(meta["captured_at"])
    pipe = redis.pipeline(transaction=False)
    pipe.set(_key(camera_id, "public"), public_jpeg, ex=KEEP_SECONDS)
    pipe.set(_key(camera_id, "full"), full_jpeg, ex=KEEP_SECONDS)
    pipe.hset(_key(camera_id, "meta"), mapping={k: "" if v is None else str(v) for k, v in meta.items()})
    pipe.expire(_key(camera_id, "meta"), KEEP_SECONDS)
    pipe.lpush(_key(camera_id, "recent"), _TIME.pack(captured_at) + full_jpeg)
    pipe.ltrim(_key(camera_id, "recent"), 0, RECENT - 1)
    pipe.expire(_key(camera_id, "recent"), KEEP_SECONDS)
    pipe.execute()


def set_status(redis, camera_id: Any, status: str) -> None:
    """A status the worker decided without a new frame (offline)."""
    pipe = redis.pipeline(transaction=False)
    pipe.hset(_key(camera_id, "meta"), "status", status)
    pipe.expire(_key(camera_id, "meta"), KEEP_SECONDS)
    pipe.execute()


def meta(redis, camera_ids: list[Any]) -> dict[str, SnapshotMeta]:
    """The latest sample's facts for each camera that has one (one round trip)."""
    if not camera_ids:
        return {}
    pipe = redis.pipeline(transaction=False)
    for camera_id in camera_ids:
        pipe.hgetall(_key(camera_id, "meta"))
    found = {}
    for camera_id, raw in zip(camera_ids, pipe.execute(), strict=True):
        values = {_text(k): _text(v) for k, v in raw.items()}
        if not values.get("captured_at"):
            continue
        found[str(camera_id)] = SnapshotMeta(
            captured_at=float(values["captured_at"]),
            status=values.get("status") or "pending",
            activity=float(values.get("activity") or 0),
            phash=values.get("phash") or None,
            worker=values.get("worker") or None,
        )
    return found


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def latest(redis, camera_id: Any, *, public: bool) -> bytes | None:
    return redis.get(_key(camera_id, "public" if public else "full"))


def latest_pair(redis, camera_id: Any) -> tuple[bytes | None, bytes | None]:
    """The latest frame as captured and its faces-blurred copy, read together (one MGET)."""
    full, public = redis.mget([_key(camera_id, "full"), _key(camera_id, "public")])
    return full, public


def recent(redis, camera_id: Any) -> list[tuple[float, bytes]]:
    entries = redis.lrange(_key(camera_id, "recent"), 0, RECENT - 1)
    return [(_TIME.unpack(entry[: _TIME.size])[0], entry[_TIME.size :]) for entry in entries]
