"""Test clips and live streams on loopback: clips written with OpenCV from the photographs that ship
with scikit-image (a face among them), served by real ffmpeg processes as MJPEG or MPEG-TS over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
from pathlib import Path

import cv2
import numpy as np
from skimage import data

from tests.support import eventually

SIZE = (640, 360)


def photo(name: str) -> np.ndarray:
    image = getattr(data, name)()
    image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    return cv2.resize(image, SIZE, interpolation=cv2.INTER_AREA)


def kitchen(step: int) -> np.ndarray:
    """A live-looking scene: a photograph with a moving block and sensor noise, different every step."""
    frame = photo("coffee").copy()
    x = 40 + (step * 37) % (SIZE[0] - 120)
    cv2.rectangle(frame, (x, 200), (x + 80, 300), (30, 120, 200), -1)
    noise = np.random.default_rng(step).integers(0, 6, frame.shape, dtype=np.uint8)
    return cv2.add(frame, noise)


def write_clip(path: Path, frames, fps: int = 10) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, SIZE)
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def listening(port: int) -> bool:
    wanted = f":{port:04X} "
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        if any(wanted in line.split(None, 3)[1] + " " and line.split()[3] == "0A" for line in lines):
            return True
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FfmpegStream:
    """`ffmpeg -re -stream_loop -1 -i clip … -listen 1 http://…`: a live stream served on loopback,
    restarted for each client it serves (ffmpeg's HTTP server takes one client and ends)."""

    def __init__(self, clip: Path, kind: str = "mjpeg", port: int | None = None):
        if shutil.which("ffmpeg") is None:
            raise RuntimeError("ffmpeg is not installed (./scripts/test installs it)")
        self.clip, self.kind = clip, kind
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self._keep = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/live"

    def command(self) -> list[str]:
        output = (
            ["-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg"]
            if self.kind == "mjpeg"
            else ["-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-f", "mpegts"]
        )
        return [
            "ffmpeg",
            "-loglevel",
            "error",
            "-re",
            "-stream_loop",
            "-1",
            "-i",
            str(self.clip),
            *output,
            "-listen",
            "1",
            self.url,
        ]

    def start(self) -> FfmpegStream:
        self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, start_new_session=True)
        self._wait_listening()
        return self

    def _wait_listening(self, timeout: float = 10.0) -> None:
        """Watch the kernel's socket table: a probing connection would be the one client ffmpeg serves."""

        def started() -> bool:
            assert self.process.poll() is None, f"ffmpeg exited with {self.process.returncode}"
            return listening(self.port)

        eventually(started, timeout, "ffmpeg listens")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)

    def pause(self) -> None:
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)


class RtspStream:
    """The clip as H.264 over RTSP (TCP), served by GStreamer's RTSP server in the system Python."""

    SERVER = Path(__file__).with_name("rtsp_server.py")

    def __init__(self, clip: Path, seconds: int = 120):
        self.port = free_port()
        self.mp4 = clip.with_suffix(".rtsp.mp4")
        subprocess.run(
            [
                "ffmpeg",
                "-loglevel",
                "error",
                "-y",
                "-stream_loop",
                "-1",
                "-i",
                str(clip),
                "-t",
                str(seconds),
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-g",
                "10",
                "-pix_fmt",
                "yuv420p",
                str(self.mp4),
            ],
            check=True,
        )
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.port}/live"

    def start(self) -> RtspStream:
        self.process = subprocess.Popen(
            ["/usr/bin/python3", str(self.SERVER), str(self.mp4), str(self.port)],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            text=True,
        )
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the RTSP server did not start")
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        if self.process and self.process.stdout:
            self.process.stdout.close()


# a tiny scene detector: each label scores the mean of its colour channel (input RGB: R, G, B)
DETECTOR_LABELS = ["no_chef_hat", "smoking", "phone"]


def channel_mean_model(path: Path) -> Path:
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("ReduceMean", ["image"], ["scores"], axes=[2, 3], keepdims=0)],
        "channel_means",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    path.with_suffix(".labels.json").write_text(json.dumps(DETECTOR_LABELS), "utf-8")
    return path
