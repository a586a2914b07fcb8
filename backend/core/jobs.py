"""Background jobs on RQ over Redis: enqueue by dotted function name, run by workers anywhere.

A job carries ids only and looks everything else up, has a hard time limit, and is safe to run
twice (each job function says how). Deployments run `python -m backend.core.jobs` (an RQ worker
that forks a work horse per job) on as many hosts as they like, against the real MongoDB. On the
embedded default mongomock lives in the web process, so `InProcessWorker` runs the queue there, in a
thread (`SimpleWorker`, no fork, with RQ's thread-based time limit).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from rq import Callback, Queue, SimpleWorker, Worker
from rq.job import Job
from rq.timeouts import TimerDeathPenalty

from backend.core import context, domains
from backend.core.stores import connect_jobs_redis

log = logging.getLogger(__name__)

QUEUE_NAME = "sfs-default"
RESULT_TTL = 7 * 24 * 3600  # results and failures stay readable for a week; our own records keep them longer


def queue() -> Queue:
    return Queue(QUEUE_NAME, connection=context.stores().jobs_redis())


def enqueue(function: str, *args: Any, job_id: str, timeout: int, description: str | None = None) -> Job:
    """Queue `function` (a dotted path) with `args`; `job_id` is ours (the record the job works on), so
    a retried request enqueues nothing twice while the first is still known to RQ. Only a job a
    domain declares (`Domain.jobs`) is queued."""
    if function not in domains.declared_jobs():
        raise ValueError(f"{function} is not a job any domain declares")
    jobs = queue()
    existing = jobs.fetch_job(job_id)
    if existing is not None and existing.get_status(refresh=True) in ("queued", "started", "deferred", "scheduled"):
        return existing
    return jobs.enqueue(
        function,
        *args,
        job_id=job_id,
        job_timeout=timeout,
        result_ttl=RESULT_TTL,
        failure_ttl=RESULT_TTL,
        description=description or function,
        on_failure=Callback(log_failure),
    )


def log_failure(job, connection, exc_type, exc_value, traceback) -> None:
    log.error("job failed", extra={"job_id": job.id, "function": job.func_name, "error": exc_type.__name__})


class _ThreadWorker(SimpleWorker):
    """RQ's in-process worker, fit for a thread: no signal handlers (only the main thread may set
    them), time limits by timer instead of SIGALRM."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self):
        pass


class InProcessWorker:
    """Runs the queue inside this process: for the embedded store, where no other process can see the
    data. Polls in burst mode so that `stop()` returns within one `poll` interval."""

    def __init__(self, runtime: context.Runtime, poll: float = 0.2):
        self.runtime, self.poll = runtime, poll
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> InProcessWorker:
        self._thread = threading.Thread(target=self._loop, name="jobs-in-process", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        with context.use(self.runtime):
            connection = connect_jobs_redis(self.runtime.settings)
            worker = _ThreadWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection)
            worker.log.setLevel(logging.WARNING)
            while not self._stop.is_set():
                try:
                    worker.work(burst=True, logging_level="WARNING")
                except Exception:  # Redis away: log, wait, try again
                    log.exception("in-process job worker failed; retrying")
                self._wake.wait(self.poll)
                self._wake.clear()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)


def run_worker(burst: bool = False) -> int:
    """`python -m backend.core.jobs`: a forking RQ worker against the environment's stores."""
    runtime = context.from_environment()
    if runtime.settings.embedded_mongo:
        log.error(
            "MONGODB_URI is not set: a separate worker cannot see the web process's in-memory data. "
            "On the embedded default the web process runs jobs itself; set MONGODB_URI (and REDIS_URL) to run workers."
        )
        return 2
    if runtime.settings.embedded_redis:
        log.error("REDIS_URL is not set: a separate worker needs the shared Redis the web processes use.")
        return 2
    connection = connect_jobs_redis(runtime.settings, blocking=True)

    class _RuntimeWorker(Worker):
        def perform_job(self, job, queue):  # the work horse (after fork) runs jobs with these stores
            with context.use(context.from_environment()):
                return super().perform_job(job, queue)

    worker = _RuntimeWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection)
    worker.work(burst=burst)
    return 0


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m backend.core.jobs", description="Run a background job worker.")
    parser.add_argument("--burst", action="store_true", help="run the queued jobs, then exit")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return run_worker(burst=arguments.burst)


if __name__ == "__main__":
    raise SystemExit(main())
