"""Sampling deadlines on the shared working-day calendar."""

from datetime import date, datetime

import pytest

from backend.core import context
from backend.core.timeutil import SHANGHAI
from backend.sampling import cases


def test_a_case_closes_ninety_days_after_opening_moved_off_a_rest_day(app_context):
    # 2026-07-03 + 90 days = 2026-10-01, National Day: the next working day is 2026-10-08
    assert cases.case_deadline(date(2026, 7, 3)) == (date(2026, 10, 8), False)
    assert cases.case_deadline(date(2026, 3, 2)) == (date(2026, 6, 1), False)  # 05-31 is a Sunday


def test_a_retest_may_be_requested_until_the_end_of_the_seventh_working_day(app_context):
    # notified on the eve of National Day 2026: seven working days end on 2026-10-15 (10-10 is 调休)
    assert cases.retest_request_deadline(date(2026, 9, 30)) == datetime(2026, 10, 15, 23, 59, 59, tzinfo=SHANGHAI)


def test_a_deadline_through_an_unknown_year_is_provisional(app_context):
    _deadline, provisional = cases.case_deadline(date(2026, 12, 1))
    assert provisional


def test_a_file_is_refused_at_upload_for_what_it_is_not(app_context):
    from backend.core.errors import Forbidden, InvalidInput, PayloadTooLarge, UnsupportedMediaType
    from backend.sampling import services
    from backend.sampling.errors import FileRefused
    from tests.builders import jpeg_bytes, regulator_of, result_csv, result_row

    regulator = regulator_of("320682")

    def start(data, district="320682"):
        return services.start_import(
            regulator, filename="f.csv", data=data, district=district, mode="whole", background=False
        )

    with pytest.raises(InvalidInput):
        start(b"")
    with pytest.raises(UnsupportedMediaType):
        start(jpeg_bytes())
    with pytest.raises(FileRefused):
        start("抽样编号,样品名称\n1,大米\n".encode())  # the required columns are missing
    with pytest.raises(Forbidden):
        start(result_csv([result_row("DC1")]), district="320100")  # not a district of theirs
    runtime = context.current()
    small = runtime.settings.replace(IMPORT_MAX_BYTES=1024)
    with context.use(context.Runtime(small, runtime.stores)), pytest.raises(PayloadTooLarge):
        start(result_csv([result_row(f"DC{n:04d}") for n in range(40)]))
    record = start(result_csv([result_row("DC0001")]))
    assert record.status == "queued" and record.rows_total == 1 and record.district_code == "320682"
