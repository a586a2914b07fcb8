"""A process that is not the web app has every domain's parts: the video worker's own process (run
here as its own interpreter, no Flask imported) samples a camera, and the status it records reaches the
public card it publishes. Before domains were loaded outside the app factory, that process had no card
sections: publishing raised "no card section named 'cameras'" and the card silently went stale."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.video import kitchen, write_clip

SCRIPT = textwrap.dedent(
    """
    import json, sys, threading
    from backend.core import context
    from backend.cameras.models import Camera
    from backend.public_card import services as cards
    from tests.builders import approved
    from video_worker.worker import Worker

    runtime = context.from_environment()   # the worker's way in: the environment's settings and stores
    with context.use(runtime):
        business = approved()
        camera = Camera(
            business_id=business.id, district_scopes=list(business.district_scopes), name="后厨", area="cooking",
            stream_url=sys.argv[1], interval_seconds=1, public=True, staff_informed=True, public_approved=True,
        ).save()
        worker = Worker(runtime, lease_seconds=5)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        found = None
        for _ in range(300):
            body = json.loads(cards.view(business.public_code, "json").body)
            shown = (body.get("cameras") or {}).get("cameras") or []
            if shown and shown[0]["status"] != "pending":
                found = shown[0]
                break
            worker._stop.wait(0.1)
        worker.stop()
        thread.join(15)
        print(json.dumps({"shown": found, "flask": "flask" in sys.modules}))
    """
)


def test_the_video_worker_process_publishes_statuses_to_the_card(redis_server, tmp_path):
    (tmp_path / "clips").mkdir()
    clip = write_clip(tmp_path / "clips" / "k.avi", [kitchen(step) for step in range(20)])
    env = {
        "PATH": "/usr/bin:/bin",
        "REDIS_URL": redis_server.url,
        "CAMERA_FILE_DIR": str(clip.parent),
        "BLOB_DIR": str(tmp_path / "blobs"),
        "APP_ENV": "test",
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, f"file://{clip}"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "no card section" not in done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["flask"] is False  # a worker's process, not the web app's
    assert result["shown"] is not None, done.stderr[-3000:]
    assert result["shown"]["status"] == "online" and result["shown"]["status_label"]
