"""A recall and the traces from one lot cost the same MongoDB round trips however large the graph
around it: counted on two graphs of the same trees, one four times the other (`bench/recall` prints
the same at a million lots)."""

from backend.devtools import lot_graph
from backend.trace import services
from tests.builders import regulator_of


def _round_trips(mongo_commands, graph) -> dict[str, int]:
    regulator, counted = regulator_of("320682"), {}
    for name, run in (
        ("forward", lambda: services.trace(regulator, graph.first_hop_codes[0], backward=False)),
        ("backward", lambda: services.trace(regulator, graph.leaf_codes[0], backward=True)),
        ("recall", lambda: services.start_recall(regulator, reason="农残超标", trace_code=graph.first_hop_codes[0])),
    ):
        mongo_commands.reset()
        run()
        counted[name] = mongo_commands.count
    return counted


def test_a_recall_costs_the_same_round_trips_in_a_graph_four_times_larger(app_context, mongo_commands):
    small = lot_graph.generate(lots=2 * lot_graph.TREE, prefix="S")
    at_small = _round_trips(mongo_commands, small)
    large = lot_graph.generate(lots=8 * lot_graph.TREE, prefix="L")
    assert (small.lots, large.lots) == (2 * lot_graph.TREE, 8 * lot_graph.TREE)
    at_large = _round_trips(mongo_commands, large)
    assert at_small == at_large
    # the walk: the starting lot, a query per hop and the one that finds nothing more
    assert at_large["forward"] == 1 + lot_graph.HOPS - 1 + 1
