"""Safe retries for POSTs from flaky mobile networks: send `Idempotency-Key: <8-64 chars>`.

The first request with a key runs and its response is kept for 24 hours; a retry with the same key
and the same body gets that response again (header `Idempotent-Replayed: true`) instead of a second
draft or upload. The same key with another body is 422; a retry while the first is still running is
409. A failed request (4xx/5xx) keeps nothing, so it may be retried with the same key.

Keys belong to the signed-in user. An anonymous request's key belongs to no address (behind a proxy
many people share one): the key itself, which the client drew at random and holds, is the only thing
that can fetch the response again, so anonymous keys must be long and varied (16+ characters, 10+
different ones: a constant key two clients might share is refused). A request that
never finishes (its process killed) holds its key for `PENDING_TTL` seconds, not a day.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

from flask import Response, g, make_response, request

from backend.core import context
from backend.core.errors import Conflict, IdempotencyKeyReused, InvalidInput
from backend.core.text import Text
from backend.web.access import optional_principal

HEADER = "Idempotency-Key"
TTL_SECONDS = 24 * 3600
PENDING_TTL = 90  # longer than any request may run (gunicorn's timeout is 60 s)
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
_ANONYMOUS_KEY = re.compile(r"^[A-Za-z0-9_.:-]{16,64}$")
MIN_ANONYMOUS_DISTINCT = 10  # "aaaaaaaaaaaaaaaa" or "retry-retry-retry" is no secret


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.mimetype == "multipart/form-data":
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(f"{name}={value}\n".encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            digest.update(f"{name}:".encode())
            while chunk := upload.stream.read(65536):
                digest.update(chunk)
            upload.stream.seek(0)
    else:
        digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def idempotent(view=None, *, required: bool = False, kept_by_service: bool = False):
    """Place directly under `@access(...)`, above the flask-smorest decorators. `required`: a request
    without a key is refused (422), for creations a retry must never repeat (orders).
    `kept_by_service`: the record keeps its key for ever (an order): here the key is only checked, and
    the service alone decides what a repeated key means — one place, one answer."""
    if view is None:
        return functools.partial(idempotent, required=required, kept_by_service=kept_by_service)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            if required:
                raise InvalidInput(
                    Text("Send an {header} header: a retry with the same key gets the same result.", header=HEADER),
                    errors={HEADER: [Text("Required.")]},
                )
            return view(*args, **kwargs)
        principal = g.get("principal")
        if principal is None and "Authorization" in request.headers:
            principal = optional_principal()
        weak = principal is None and len(set(key)) < MIN_ANONYMOUS_DISTINCT
        if weak or not (_KEY if principal else _ANONYMOUS_KEY).match(key):
            reason = (
                Text("8-64 letters, digits or _.:-")
                if principal
                else Text("16-64 random letters, digits or _.:- (at least 10 different ones)")
            )
            raise InvalidInput(errors={HEADER: [reason]})
        if kept_by_service:
            return view(*args, **kwargs)
        owner = f"user:{principal.user_id}" if principal else "anonymous"
        redis_key = f"idem:{owner}:{hashlib.sha256(key.encode()).hexdigest()}"
        fingerprint = _fingerprint()
        redis = context.redis()
        if not redis.set(
            redis_key, json.dumps({"state": "pending", "fingerprint": fingerprint}), nx=True, ex=PENDING_TTL
        ):
            stored = json.loads(redis.get(redis_key) or "{}")
            if stored.get("fingerprint") != fingerprint:
                raise IdempotencyKeyReused()
            if stored.get("state") != "done":
                raise Conflict(Text("A request with this Idempotency-Key is still being processed; retry shortly."))
            response = Response(stored["body"], status=stored["status"], mimetype=stored["mimetype"])
            response.headers["Idempotent-Replayed"] = "true"
            return response
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            redis.delete(redis_key)
            raise
        if 200 <= response.status_code < 300 and not response.is_streamed:
            redis.set(
                redis_key,
                json.dumps(
                    {
                        "state": "done",
                        "fingerprint": fingerprint,
                        "status": response.status_code,
                        "mimetype": response.mimetype,
                        "body": response.get_data(as_text=True),
                    }
                ),
                ex=TTL_SECONDS,
            )
        else:
            redis.delete(redis_key)
        return response

    apidoc = dict(getattr(view, "_apidoc", {}))
    manual = dict(apidoc.get("manual_doc", {}))
    manual["parameters"] = [
        *manual.get("parameters", []),
        {
            "in": "header",
            "name": HEADER,
            "required": required,
            "schema": {"type": "string", "minLength": 8, "maxLength": 64},
            "description": "Retry safely: the same key and body get the first response again (24 h). Anonymous "
            "callers: 16-64 random characters.",
        },
    ]
    manual["responses"] = {**manual.get("responses", {}), "409": {"$ref": "#/components/responses/ERROR_409"}}
    apidoc["manual_doc"] = manual
    wrapper._apidoc = apidoc
    return wrapper
