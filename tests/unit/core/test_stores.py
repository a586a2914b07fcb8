import sys
import threading

import pytest

from backend.core.config import load_settings
from backend.core.stores import connect_mongo


@pytest.fixture
def eager_thread_switching():
    # Switch threads as often as possible so an unserialised store would lose races (it does in
    # most trials without the lock).
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def test_embedded_mongo_serialises_conditional_updates(eager_thread_switching):
    """Two threads race find_one_and_update on the same precondition: exactly one may win."""
    db = connect_mongo(load_settings({"APP_ENV": "test"}, environ={}))
    collection = db["race"]
    for trial in range(300):
        collection.insert_one({"_id": trial, "status": "submitted"})
        winners = []
        barrier = threading.Barrier(2)

        def review(decision, trial=trial):
            barrier.wait()
            if collection.find_one_and_update({"_id": trial, "status": "submitted"}, {"$set": {"status": decision}}):
                winners.append(decision)

        threads = [threading.Thread(target=review, args=(d,)) for d in ("approved", "rejected")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(winners) == 1, f"trial {trial}: {winners}"
        assert collection.find_one({"_id": trial})["status"] == winners[0]
