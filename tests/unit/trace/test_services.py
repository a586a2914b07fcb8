"""Trace and recall through the services: queries per hop whatever the fan-out, the three ways to
start a recall, who is told, and the public trace's privacy."""

import pytest

from backend.core.errors import InvalidInput
from backend.notifications.models import Notification
from backend.trace import services
from backend.trace.errors import LotNotFound
from tests.builders import citizen, regulator_of, shipped_lots, supplier_with_product


def chain(width: int):
    """A farm ships one lot to a wholesaler, which splits it into `width` lots for `width` households,
    and one more for a central kitchen that ships on to a household: two hops from the farm's lot."""
    farm, farm_owner, farm_product = supplier_with_product("farm_base", "320682")
    wholesaler, wholesaler_owner, wholesaler_product = supplier_with_product("wholesaler", "320582")
    (root,) = shipped_lots(wholesaler_owner, wholesaler, farm, farm_owner, farm_product, [10.0 * width + 10])
    households = [citizen() for _ in range(width)]
    outbound = [
        shipped_lots(home, None, wholesaler, wholesaler_owner, wholesaler_product, [10.0], [[(root.trace_code, 10.0)]])[
            0
        ]
        for home in households
    ]
    kitchen, kitchen_owner, kitchen_product = supplier_with_product("central_kitchen", "320682")
    (to_kitchen,) = shipped_lots(
        kitchen_owner, kitchen, wholesaler, wholesaler_owner, wholesaler_product, [10.0], [[(root.trace_code, 10.0)]]
    )
    last_home = citizen()
    (last,) = shipped_lots(
        last_home, None, kitchen, kitchen_owner, kitchen_product, [5.0], [[(to_kitchen.trace_code, 5.0)]]
    )
    return root, outbound, to_kitchen, last, households + [last_home]


@pytest.mark.parametrize("width", [2, 12])
def test_a_forward_trace_costs_a_query_per_hop_whatever_the_fan_out(app_context, mongo_commands, width):
    root, outbound, to_kitchen, last, _homes = chain(width)
    regulator = regulator_of("320682")
    mongo_commands.reset()
    traced = services.trace(regulator, root.trace_code, backward=False)
    lot_queries = [call for call in mongo_commands.calls if call.startswith("lots.")]
    assert len(traced["lots"]) == width + 3 and traced["hops"] == 2
    # the starting lot, then one query per hop and the one that finds nothing more
    assert len(lot_queries) == 1 + 2 + 1, mongo_commands.calls
    back = services.trace(regulator, last.trace_code, backward=True)
    assert [entry["trace_code"] for entry in back["lots"]] == [last.trace_code, to_kitchen.trace_code, root.trace_code]


def test_a_recall_from_a_supplier_product_reaches_every_holder_and_tells_them(app_context):
    root, outbound, to_kitchen, last, homes = chain(2)
    regulator = regulator_of("320682")
    recall = services.start_recall(
        regulator, reason="腐霉利超标", supplier_id=root.supplier_id, product_id=root.product_id
    )
    assert {t.trace_code for t in recall.targets} == {root.trace_code, to_kitchen.trace_code, last.trace_code} | {
        lot.trace_code for lot in outbound
    }
    assert {t.hops for t in recall.targets} == {0, 1, 2}
    for home in homes:  # households with no business are told too
        assert Notification.objects(user_id=home.user_id, business_id=None, kind="recall").count() == 1
    assert Notification.objects(business_id=root.buyer_business_id, kind="recall").count() == 1
    # regulators of every district the recall reached see it
    assert services.recalls_for_regulator(regulator_of("320582")).count() == 1
    assert services.recalls_for_regulator(regulator_of("110101")).count() == 0


def test_a_recall_starts_from_a_failed_sample_carrying_a_trace_code(app_context):
    from datetime import date

    from backend.sampling.models import FAIL, PASS, Sample

    root, *_rest = chain(1)
    regulator = regulator_of("320682")

    def sample(number, verdict, trace_code):
        return Sample(
            sampling_number=number,
            business_name="如皋某超市",
            food_name="韭菜",
            food_category="食用农产品",
            sampled_on=date(2026, 11, 30),
            report_date=date(2026, 12, 1),
            lab="南通市检验中心",
            verdict=verdict,
            trace_code=trace_code,
            district_code="320682",
            district_scopes=["320682", "320600", "320000"],
        ).save()

    sample("DC26320682999001", FAIL, root.trace_code)
    sample("DC26320682999002", PASS, root.trace_code)
    sample("DC26320682999003", FAIL, None)
    recall = services.start_recall(regulator, reason="抽检不合格", sampling_number="DC26320682999001")
    assert recall.source == "sample" and len(recall.targets) == 4  # the root, a household, the kitchen, its household
    for number, reason in (("DC26320682999002", "passed"), ("DC26320682999003", "no trace code")):
        with pytest.raises(InvalidInput) as refused:
            services.start_recall(regulator, reason="x", sampling_number=number)
        assert reason in str(refused.value.errors)


def test_a_recall_cannot_start_from_a_lot_outside_the_regulators_districts(app_context):
    root, *_rest = chain(1)
    with pytest.raises(LotNotFound):
        services.start_recall(regulator_of("110101"), reason="x", trace_code=root.trace_code)
    with pytest.raises(InvalidInput):
        services.start_recall(regulator_of("320682"), reason="x")  # no source


def test_the_public_trace_names_no_buyer_and_no_price(app_context):
    _root, outbound, _to_kitchen, last, _homes = chain(1)
    public = services.public_trace(last.trace_code)
    text = str(public)
    assert last.buyer_name not in text and "price" not in text
    assert [source["hops"] for source in public["sources"]] == [1, 2]


def test_lots_that_feed_each_other_end_the_walk_and_are_reported(app_context):
    from backend.trace.models import Lot

    root, outbound, to_kitchen, last, _homes = chain(2)
    # bad data: the farm's lot now says it was made from the kitchen's lot, two hops after it
    Lot.objects(id=root.id).update_one(set__input_ids=[to_kitchen.id])
    regulator = regulator_of("320682")
    recall = services.start_recall(regulator, reason="数据错误排查", trace_code=root.trace_code)
    assert len(recall.targets) == len(outbound) + 3  # every lot once, the walk ended
    assert recall.cycles == [f"{root.trace_code} → {to_kitchen.trace_code} → {root.trace_code}"]
    forward = services.trace(regulator, root.trace_code, backward=False)
    assert forward["cycles"] == recall.cycles
    backward = services.trace(regulator, to_kitchen.trace_code, backward=True)
    assert backward["cycles"] == [f"{to_kitchen.trace_code} → {root.trace_code} → {to_kitchen.trace_code}"]
    clean = services.trace(regulator, last.trace_code, backward=True)
    assert clean["cycles"] == [f"{to_kitchen.trace_code} → {root.trace_code} → {to_kitchen.trace_code}"]
    Lot.objects(id=root.id).update_one(set__input_ids=[])
    assert services.trace(regulator, root.trace_code, backward=False)["cycles"] == []  # the bad link gone: no loop
