"""The demo's history: whole months before this one made by the services on their days, so the
indicators have trends to draw; made once."""

from backend.core.indicators import Period
from backend.core.timeutil import today_shanghai


def test_the_history_gives_each_past_month_complaints_samples_and_daily_checks(config):
    from backend.app import create_api_app
    from backend.complaints.models import Complaint
    from backend.demo.history_seed import MARK, seed_history
    from backend.indicators import services
    from backend.routine.models import DailyCheck
    from backend.sampling.models import Sample
    from tests.builders import regulator_of

    app = create_api_app({**config, "SEED_DEMO": True, "DEMO_HISTORY_MONTHS": 3})
    with app.app_context():
        today = today_shanghai()
        this_month = Period.parse(f"{today.year}-{today.month:02d}")
        months = [services.previous(this_month)]
        while len(months) < 3:
            months.insert(0, services.previous(months[0]))
        for month in months:
            start, end = month.bounds()
            assert Complaint.objects(received_at__gte=start, received_at__lt=end).count() >= 2, month
            assert (
                Sample.objects(
                    sampled_on__gte=month.start, sampled_on__lte=month.end, sampling_number__startswith=MARK
                ).count()
                >= 6
            )
        assert DailyCheck.objects(day__lt=months[-1].end).count() > 20
        series = services.series(
            regulator_of("320682"),
            "sampling.pass_rate",
            districts=["320682"],
            period=Period(months[0].start, months[-1].end),
        )
        assert [row["denominator"] > 0 for row in series] == [True, True, True]
        replies = services.series(
            regulator_of("320682"),
            "complaints.reply_rate",
            districts=["320682"],
            period=Period(months[0].start, months[-1].end),
        )
        assert all(row["value"] is not None for row in replies)
        residues = services.series(
            regulator_of("320682"), "sampling.per_thousand_residents", districts=["320682"], period=months[-1]
        )
        assert residues[0]["denominator"] == 1_237_400  # the census figure the demo records
        assert seed_history(3) == 0  # made once
