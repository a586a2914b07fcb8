"""`python -m backend.devtools.run`: the platform on embedded defaults, under gunicorn, one process.

mongomock lives in this process, so gunicorn runs one worker with threads, and the app (with the
seeded demo data) is loaded before the worker forks. When WECHAT_API_BASE is not set, a loopback
imitation of WeChat's login API is started so the demo mini-program logins work offline.
"""

from __future__ import annotations

import os
import sys

from gunicorn.app.base import BaseApplication

from backend.core.config import WECHAT_DEFAULT_API_BASE, load_settings

THREADS = 8


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict):
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._app


REMINDER_INTERVAL = 600  # seconds between reminder runs in the embedded demo


def _start_reminders(app) -> None:
    """What cron does for `python -m backend.notifications remind` and the `sweep` of enforcement,
    supervision and banquets, and the indicators' `monthly`, in a deployment."""
    import logging
    import threading

    from backend.banquets.services import sweep as guide
    from backend.enforcement.services import sweep
    from backend.indicators.reports import monthly
    from backend.notifications.services import remind
    from backend.supervision.services import sweep as supervise

    def loop():
        stop = threading.Event()
        while not stop.wait(REMINDER_INTERVAL):
            try:
                with app.app_context():
                    remind()
                    sweep()
                    supervise()
                    guide()
                    monthly()
            except Exception:  # a failed run is logged; the next one tries again
                logging.getLogger(__name__).exception("reminder run failed")

    threading.Thread(target=loop, name="reminders", daemon=True).start()


def _start_in_worker(app) -> None:
    import threading

    from backend.core.jobs import InProcessWorker
    from video_worker.worker import Worker

    _start_reminders(app)
    InProcessWorker(app.extensions["sfs.runtime"]).start()
    # the demo cameras: the video worker samples them in this process, where the embedded data is
    threading.Thread(target=Worker(app.extensions["sfs.runtime"]).run, name="video-worker", daemon=True).start()


def _leave_now(worker) -> None:
    import logging

    logging.shutdown()
    os._exit(0)


def _port_taken(host: str, port: int) -> str | None:
    """Why the address cannot be listened on, checked before anything starts (None: it can)."""
    import socket

    with socket.socket() as probe:
        # as gunicorn binds: a port left in TIME_WAIT by the previous run (stopped a moment ago) is
        # free; one with a listener is not
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.strerror or str(error)
    return None


def main() -> int:
    from backend.app import create_app
    from backend.demo.seed import CONSOLE_USERS, DEMO_PASSWORD, MINIPROGRAM_USERS
    from backend.demo.wechat_imitation import WeChatImitation

    overrides: dict = {}
    env_settings = load_settings()
    if env_settings.production:
        print("APP_ENV=production: run gunicorn wsgi:app with real stores instead.", file=sys.stderr)
        return 2
    if problem := _port_taken(env_settings.HOST, env_settings.PORT):
        print(
            f"{env_settings.HOST}:{env_settings.PORT} is in use ({problem}): another run, or another program, "
            f"listens there. Pick another port: PORT={env_settings.PORT + 1} ./scripts/run",
            file=sys.stderr,
        )
        return 2
    if "SEED_DEMO" not in os.environ:
        overrides["SEED_DEMO"] = "true"
    if "CAMERA_FILE_DIR" not in os.environ:
        overrides["CAMERA_FILE_DIR"] = os.path.abspath("var/demo-clips")  # the demo cameras' clips
    if "PUBLIC_BASE_URL" not in os.environ:
        overrides["PUBLIC_BASE_URL"] = f"http://{env_settings.HOST}:{env_settings.PORT}"
    imitation = None
    if env_settings.WECHAT_API_BASE == WECHAT_DEFAULT_API_BASE and not env_settings.WECHAT_APPID:
        imitation = WeChatImitation().start()
        overrides.update(
            WECHAT_API_BASE=imitation.base_url, WECHAT_APPID=imitation.appid, WECHAT_SECRET=imitation.secret
        )
    app = create_app(overrides)
    settings = app.extensions["sfs.settings"]
    base = f"http://{settings.HOST}:{settings.PORT}"
    lines = [
        "",
        "智慧食安 Smart Food Safety — embedded demo run",
        f"  API docs (Swagger UI):  {base}/api/docs",
        f"  OpenAPI document:       {base}/api/openapi.json",
        f"  Health / readiness:     {base}/healthz  {base}/readyz",
        f"  Console (今日待办):      {base}/console/             (sign in with a console login below)",
        f"  Console (indicators):   {base}/console/indicators",
        f"  Command-centre 大屏:    {base}/console/dashboard    (e.g. the read-only login dapin)",
        f"  Camera wall:            {base}/console/wall",
    ]
    from backend.demo.banquets_seed import demo_chef_urls
    from backend.demo.registry_seed import demo_public_urls
    from backend.demo.trace_seed import demo_trace_urls

    with app.app_context():
        public_urls = demo_public_urls(settings.PUBLIC_BASE_URL)
        trace_urls = demo_trace_urls(settings.PUBLIC_BASE_URL)
        chef_urls = demo_chef_urls(settings.PUBLIC_BASE_URL)
    for label, url in public_urls:
        lines.append(f"  Demo public page:       {url}  ({label})")
    for label, url in trace_urls:
        lines.append(f"  Demo trace page:        {url}  ({label})")
    if public_urls:
        lines.append(f"  Complaint form:         {public_urls[0][1].replace('/q/', '/complaints/new?code=')}")
        lines.append(f"  Search (near 如皋):     {base}/search?near=32.3800,120.5700&radius_km=5")
        lines.append(f"  Sampling results:       {base}/sampling")
        lines.append(f"  Penalties disclosed:    {base}/penalties")
        lines.append(f"  Dishonesty list:        {base}/dishonest")
        lines.append(f"  Incident report form:   {base}/incidents/new")
    for label, url in chef_urls:
        lines.append(f"  Demo chef card:         {url}  ({label})")
    for state, submitted in app.extensions.get("sfs.demo", {}).get("complaints", {}).items():
        number = submitted.complaint.number
        lines.append(f"  Demo complaint ({state:<8}) {base}/complaints/{number}?key={submitted.query_key}")
    lines.append(
        f"  Console logins (the form at {base}/console/login, or POST {base}/api/v1/auth/token), "
        f"password {DEMO_PASSWORD} — e.g. rugao (a regulator) and admin:"
    )
    for login in CONSOLE_USERS:
        scope = ",".join(login.districts) or "all"
        lines.append(f"      {login.username:<14} {login.role:<10} districts {scope:<8} {login.organisation}")
    if imitation:
        lines.append(f"  Mini-program logins (POST {base}/api/v1/mp/auth/login) via the loopback WeChat imitation:")
        for key, name in MINIPROGRAM_USERS.items():
            lines.append(f'      {{"code": "demo-{key}"}}  {name}')
    lines.append("  Data lives in this process only (mongomock); stop with Ctrl+C.")
    print("\n".join(lines), flush=True)
    _Gunicorn(
        app,
        {
            "bind": f"{settings.HOST}:{settings.PORT}",
            "workers": 1,
            "threads": THREADS,
            "worker_class": "gthread",
            "preload_app": True,
            "accesslog": None,
            "timeout": 60,
            # Ctrl-C: the worker holds nothing to save (mongomock dies with the run, Redis is ours), so
            # it leaves at once instead of tearing down camera readers and threads one by one; and a
            # worker that does not leave is killed after 2 s, not gunicorn's 30 (bench/ctrl_c)
            "graceful_timeout": 2,
            "worker_int": _leave_now,
            # gunicorn's control socket defaults to ./gunicorn.ctl: two runs in one folder would share it
            "control_socket_disable": True,
            # the reminders and the job queue run in the worker, where the (forked) embedded data lives
            "post_worker_init": lambda worker: _start_in_worker(app),
        },
    ).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
