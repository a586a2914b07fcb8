"""Sampling: result imports, failed-sample disposition (核查处置) with re-tests (复检), rapid tests (快检),
announcements and the public results, KPIs. Every rule of the domain lives here.

Deadlines (DOMAIN-RULES, settings): a re-test may be requested until the end of the
RETEST_REQUEST_WORKING_DAYS-th working day after the business was notified (RAPID_RETEST_HOURS hours
after a failed rapid test, by a method that is not rapid), never for microbiological items; the
regulator decides within RETEST_DECISION_WORKING_DAYS working days; a case closes within
DISPOSITION_DAYS days of opening (moved to the next working day when it falls on a rest day).
"""

from __future__ import annotations

import logging
from typing import Any

from backend.blobs.store import blob_store
from backend.core import context, districts
from backend.core.errors import Forbidden, InvalidInput, PayloadTooLarge, UnsupportedMediaType
from backend.core.ids import object_id
from backend.core.jobs import enqueue
from backend.core.principal import ADMIN, REGULATOR, Principal
from backend.core.text import Text
from backend.sampling import reading
from backend.sampling.errors import ImportNotFound, SampleNotFound
from backend.sampling.models import (
    Sample,
    SamplingImport,
)
from backend.workflow.services import create_record

log = logging.getLogger(__name__)

IMPORT_JOB = "backend.sampling.importing.run_import"


# -- imports ---------------------------------------------------------------------------------------


def scope_district(principal: Principal, district: str | None) -> str:
    """The district a file's unregistered sampled units belong to: given, or the regulator's only one."""
    if district is None:
        if principal.role == REGULATOR and len(principal.districts) == 1:
            return next(iter(principal.districts))
        raise InvalidInput(errors={"district": [Text("Required: the district (GB/T 2260 code) of the sampled units.")]})
    if not districts.is_known(district):
        raise InvalidInput(errors={"district": [Text("Not a known district code.")]})
    if principal.role != ADMIN and not districts.any_covers(principal.districts, district):
        raise Forbidden(Text("The district is outside yours."))
    return district


def start_import(
    principal: Principal, *, filename: str, data: bytes, district: str | None, mode: str, background: bool = True
) -> SamplingImport:
    """Check the file's shape now (type, encoding, header row, size), store it, queue the job (unless
    `background` is False: the caller then runs `importing.run_import` itself, as the CLI does)."""
    settings = context.settings()
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise PayloadTooLarge(
            Text(
                "The file is larger than {import_max_bytes} MB; split it.",
                import_max_bytes=settings.IMPORT_MAX_BYTES // (1024 * 1024),
            )
        )
    if not data:
        raise InvalidInput(errors={"file": [Text("The file is empty.")]})
    district = scope_district(principal, district)
    file_format = reading.sniff_format(data)
    from backend.blobs.services import sniff

    if sniff(data) is not None:
        raise UnsupportedMediaType(Text("Import CSV (UTF-8 or GBK) or XLSX files; this is an image or a PDF."))
    source = reading.open_source(data, file_format, settings.IMPORT_MAX_ROWS)
    unknown = list(source.columns.unknown)
    if file_format == reading.XLSX:
        _close(source)
    digest = blob_store().put(data)
    record = SamplingImport(
        filename=(filename or "upload")[:200],
        file_sha256=digest,
        file_format=file_format,
        size=len(data),
        mode=mode,
        district_code=district,
        district_scopes=districts.enclosing_codes(district),
        importer_id=object_id(principal.user_id),
        importer_districts=sorted(principal.districts),
        importer_admin=principal.role == ADMIN,
        unknown_columns=unknown[:100],
        rows_total=source.total,
    )
    create_record(record, action="created", actor_id=principal.user_id, target_type="sampling_import")
    if background:
        enqueue(
            IMPORT_JOB,
            str(record.id),
            job_id=str(record.id),
            timeout=settings.IMPORT_JOB_TIMEOUT,
            description=f"import {record.filename}",
        )
    return record


def _close(source: reading.Source) -> None:
    rows = source._rows
    if hasattr(rows, "close"):
        rows.close()


def get_import(principal: Principal, import_id: Any) -> SamplingImport:
    return SamplingImport.objects.get_visible(principal, ImportNotFound, id=import_id)


def list_imports(principal: Principal):
    return SamplingImport.objects.visible_to(principal).order_by("-created_at")


def samples_for(principal: Principal, *, verdict=None, business_id=None, import_id=None, announced=None, q=None):
    found = Sample.objects.visible_to(principal)
    if verdict:
        found = found.filter(verdict=verdict)
    if business_id:
        found = found.filter(business_id=object_id(business_id))
    if import_id:
        found = found.filter(import_ids=object_id(import_id))
    if announced is not None:
        found = found.filter(announcement_id__ne=None) if announced else found.filter(announcement_id=None)
    if q:
        found = found.filter(food_name__icontains=q)
    return found.order_by("-sampled_on")


def get_sample(principal: Principal, sampling_number: str) -> Sample:
    return Sample.objects.get_visible(principal, SampleNotFound, sampling_number=sampling_number)
