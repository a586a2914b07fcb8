"""Every indicator for a quarter costs a bounded number of MongoDB commands per district: the same at
20 businesses as at 120 (counted per provider), never one per business or per record."""

from backend.core import domains
from backend.core.indicators import Period
from backend.core.timeutil import today_shanghai
from backend.devtools import county
from tests.builders import regulator_of

MAX_COMMANDS_PER_PROVIDER = 16


def _commands(mongo_commands, district: str) -> dict[str, int]:
    quarter = Period.quarter_of(today_shanghai())
    reader = regulator_of(district)
    counted = {}
    for domain in domains.loaded():
        for reference in domain.indicators:
            mongo_commands.reset()
            rows = domains.resolve(reference)(reader, districts=(district,), period=quarter, sector=None)
            assert rows, reference
            counted[reference] = mongo_commands.count
    return counted


def test_each_provider_costs_the_same_commands_whatever_the_countys_size(app_context, mongo_commands):
    small = county.generate("320682", businesses=20, year_end=today_shanghai(), routine_share=0.5, routine_days=30)
    large = county.generate("320623", businesses=120, year_end=today_shanghai(), routine_share=0.5, routine_days=30)
    assert large.complaints > small.complaints and large.daily_checks > small.daily_checks
    at_small, at_large = _commands(mongo_commands, "320682"), _commands(mongo_commands, "320623")
    assert at_small == at_large, (at_small, at_large)
    assert max(at_large.values()) <= MAX_COMMANDS_PER_PROVIDER, at_large


def test_the_whole_catalogue_for_a_district_is_a_bounded_number_of_commands(app_context, mongo_commands):
    from backend.indicators import services

    county.generate("320682", businesses=30, year_end=today_shanghai(), routine_days=10)
    mongo_commands.reset()
    rows = services.evaluate_many(
        regulator_of("320682"), None, districts=["320682"], period=Period.quarter_of(today_shanghai())
    )
    providers = sum(len(domain.indicators) for domain in domains.loaded())
    assert len(rows) > 50
    # the period and the one before it, each provider once, and one read of the targets
    assert mongo_commands.count <= 2 * providers * MAX_COMMANDS_PER_PROVIDER + 1
