"""The platform on a Redis Cluster of three real masters: a card's slot migrating while it is read and
changed (ASK, then MOVED, followed by the client), keys that go together in one slot, and jobs on their
own Redis. The card, rate-limit, idempotency and video-lease tests also run on the cluster (the
`redis_cluster` marker)."""

import pytest
from redis.cluster import RedisCluster

from backend.core.config import ConfigError, load_settings
from backend.public_card.services import card_key, generation_key

on_the_cluster = pytest.mark.parametrize("redis_kind", ["cluster"], indirect=True)


@on_the_cluster
def test_a_card_read_and_changed_while_its_slot_migrates_is_never_a_500_nor_stale(
    api, approved_business, redis_cluster, redis_client
):
    business, regulator = approved_business
    code = business["public_code"]
    first = api.get(f"/q/{code}")
    assert first.status_code == 200 and redis_client.exists(card_key(code))  # cached in the cluster
    slot = RedisCluster.keyslot(redis_client, card_key(code))
    assert slot == RedisCluster.keyslot(redis_client, generation_key(code))  # the fill script's two keys
    source = redis_cluster.owner(slot)
    target = next(node for node in redis_cluster.nodes if node is not source)

    # Half-way: the keys are on the target, the source answers ASK for them
    redis_cluster.begin_migration(slot, target)
    assert target.client().execute_command("CLUSTER COUNTKEYSINSLOT", slot) >= 1
    asked = api.get(f"/q/{code}")
    assert asked.status_code == 200 and asked.text == first.text
    url = f"/api/v1/console/businesses/{business['id']}"
    assert api.post(url + "/suspend", token=regulator, json={"reason": "后厨卫生不合格"}).status_code == 200
    assert "责令停业整改" in api.get(f"/q/{code}").text  # the invalidation reached the moving slot

    # Done: the slot belongs to the target; the client's map is stale and MOVED sets it right
    redis_cluster.finish_migration(slot, target)
    assert redis_cluster.owner(slot) is target
    moved = api.get(f"/q/{code}")
    assert moved.status_code == 200 and "责令停业整改" in moved.text
    assert api.post(url + "/reinstate", token=regulator, json={"reason": "整改完成"}).status_code == 200
    assert "责令停业整改" not in api.get(f"/q/{code}").text
    assert target.client().execute_command("CLUSTER COUNTKEYSINSLOT", slot) >= 1


@on_the_cluster
def test_sign_in_failures_of_one_address_share_a_slot_and_lock_out_on_the_cluster(api, config):
    def attempt():
        return api.post("/api/v1/auth/token", json={"username": "nobody", "password": "wrong-password-1"})

    for _ in range(load_settings(config).LOGIN_MAX_FAILURES - 1):
        assert attempt().status_code == 401
    for _ in range(2):  # the failure that reaches the limit, and the next try
        locked = attempt()
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0


def test_a_cluster_needs_a_job_queue_of_its_own(redis_cluster, redis_server):
    with pytest.raises(ConfigError, match="JOBS_REDIS_URL"):
        load_settings({"REDIS_URL": redis_cluster.url}, environ={})
    with pytest.raises(ConfigError, match="JOBS_REDIS_URL"):
        load_settings({"REDIS_URL": redis_cluster.url, "JOBS_REDIS_URL": redis_cluster.url}, environ={})
    settings = load_settings({"REDIS_URL": redis_cluster.url, "JOBS_REDIS_URL": redis_server.url}, environ={})
    assert settings.redis_cluster and not settings.embedded_redis


def test_keys_used_together_hash_to_one_slot():
    """What a cluster refuses with CROSSSLOT (MGET, a Lua script, a MULTI) is only ever asked of keys
    that share their slot; and unrelated records spread over slots."""
    from redis.crc import key_slot

    from backend.accounts.services import _FAILURES_KEY
    from backend.cameras.snapshots import _key as snapshot_key
    from backend.core.ratelimit import _key as window_key

    def one_slot(keys):
        return len({key_slot(key.encode()) for key in keys}) == 1

    assert one_slot([card_key("AbCdEf123456"), generation_key("AbCdEf123456")])
    assert one_slot([snapshot_key("6512bd43d9caa6e02c990b0a", part) for part in ("public", "full", "meta", "recent")])
    assert one_slot([window_key("public", seconds, "1.2.3.4", window) for seconds in (1, 60) for window in (7, 8)])
    assert one_slot([_FAILURES_KEY.format("ab12", "alice"), _FAILURES_KEY.format("ab12", "*")])
    assert not one_slot([card_key(f"AbCdEf{n:06d}") for n in range(20)])
