"""Pairings from a spreadsheet, as a job with progress: the file is read with the results import's reader
(CSV in UTF-8 or GBK, XLSX streamed, zip bombs and oversized sheets refused whole) when it is uploaded,
so a file that cannot be read is refused at once; the job checks every row (the business by USCC, the
official by phone within the importer's districts, the level rules) and, only if all are right, pairs
them — reporting rows done as it goes. Run twice, it pairs nothing twice (the same pairing is no change)."""

from __future__ import annotations

from typing import Any

from backend.blobs.services import blob_store, sniff
from backend.core import context
from backend.core.errors import InvalidInput, UnsupportedMediaType
from backend.core.ids import object_id
from backend.core.jobs import enqueue
from backend.core.principal import Principal
from backend.core.text import Text
from backend.core.timeutil import utcnow
from backend.sampling.reading import Headers, open_source, sniff_format
from backend.supervision import services
from backend.supervision.errors import ImportNotFound
from backend.supervision.models import AssignmentImport
from backend.workflow.services import change_state, create_record

HEADERS = Headers.of(services.IMPORT_COLUMNS, required=("uscc", "phone"))
JOB = "backend.supervision.imports.run_import"
PROGRESS_EVERY = 200  # rows between progress writes
MAX_ROW_ERRORS = 200


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    source = open_source(data, sniff_format(data), services.MAX_IMPORT_ROWS, HEADERS)
    return list(source.rows())


def start_import(principal: Principal, data: bytes, filename: str | None) -> AssignmentImport:
    services.require_manager(principal)
    if not data:
        raise InvalidInput(errors={"file": [Text("The file is empty.")]})
    if sniff(data) is not None:
        raise UnsupportedMediaType(Text("Import CSV (UTF-8 or GBK) or XLSX files; this is an image or a PDF."))
    rows = read_rows(data)  # a file that cannot be read is refused now, not in the job
    record = AssignmentImport(
        file_sha256=blob_store().put(data),
        filename=(filename or "upload")[:200],
        district_scopes=sorted(principal.districts),
        importer_id=object_id(principal.user_id),
        importer_role=principal.role,
        importer_districts=sorted(principal.districts),
        rows_total=len(rows),
    )
    create_record(record, action="created", actor_id=principal.user_id, target_type="assignment_import")
    enqueue(
        JOB, str(record.id), job_id=f"assignments-{record.id}", timeout=context.settings().SUPERVISION_IMPORT_TIMEOUT
    )
    return record


def get_import(principal: Principal, import_id: Any) -> AssignmentImport:
    services.require_manager(principal)
    found = AssignmentImport.objects(id=object_id(import_id, ImportNotFound), importer_id=object_id(principal.user_id))
    record = found.first()
    if record is None:
        raise ImportNotFound()
    return record


def _chinese(message) -> str:
    return message.render("zh") if isinstance(message, Text) else str(message)


def _progress(record: AssignmentImport, phase: str, done: int) -> None:
    AssignmentImport.objects(id=record.id).update_one(set__phase=phase, set__rows_done=done, set__updated_at=utcnow())


def _finish(record: AssignmentImport, status: str, **fields) -> None:
    change_state(
        AssignmentImport.objects,
        record.id,
        action=status,
        actor_id=record.importer_id,
        target_type="assignment_import",
        to_status=status,
        updates={"set__finished_at": utcnow(), **{f"set__{k}": v for k, v in fields.items()}},
    )


def run_import(import_id: str) -> dict:
    """The job: check every row, then pair them all, or refuse naming the rows."""
    record = AssignmentImport.objects(id=object_id(import_id)).first()
    if record is None or record.status in ("done", "failed"):
        return {"status": record.status if record else "gone"}
    AssignmentImport.objects(id=record.id).update_one(set__status="running", set__updated_at=utcnow())
    principal = Principal(
        user_id=str(record.importer_id), role=record.importer_role, districts=tuple(record.importer_districts)
    )
    rows = read_rows(blob_store().get(record.file_sha256))
    try:
        paired = services.import_assignments(
            principal, rows, progress=lambda phase, done: _progress(record, phase, done), every=PROGRESS_EVERY
        )
    except InvalidInput as refused:
        errors = dict(list((refused.errors or {}).items())[:MAX_ROW_ERRORS])
        _finish(
            record,
            "failed",
            row_errors={row: [_chinese(m) for m in messages] for row, messages in errors.items()},
            message=_chinese(refused.message)[:500] if refused.message else None,
        )
        return {"status": "failed", "rows_wrong": len(refused.errors or {})}
    _finish(record, "done", paired=paired["paired"], rows_done=len(rows))
    return {"status": "done", **paired}
