"""Optional scene detectors (chef hat, mask, smoking, phone, rodent) from ONNX models the operator
provides: nothing is downloaded at run time. `onnxruntime` comes with the `detectors` extra.

A model takes one image, NCHW float32 RGB scaled to 0..1 at its declared input size, and gives one
row of scores, one per label (a classifier, or a detector's per-class maxima). Its labels come from a
JSON file beside it (`<model>.labels.json`: ["no_chef_hat", "smoking", ...]); a finding is a label
scoring at least its threshold. Anything with `detect(frame) -> list[Finding]` can stand in."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

log = logging.getLogger(__name__)
DEFAULT_THRESHOLD = 0.6


@dataclass(frozen=True)
class Finding:
    label: str
    score: float


class Detector(Protocol):
    name: str

    def detect(self, frame: np.ndarray) -> list[Finding]: ...


class OnnxDetector:
    def __init__(self, model_path: str | Path, *, threshold: float = DEFAULT_THRESHOLD):
        try:
            import onnxruntime
        except ImportError as missing:
            raise RuntimeError("ONNX detectors need the `detectors` extra: pip install '.[detectors]'") from missing
        path = Path(model_path)
        self.name = path.stem
        self.labels = json.loads(path.with_suffix(".labels.json").read_text("utf-8"))
        self.session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        model_input = self.session.get_inputs()[0]
        self.input_name = model_input.name
        _batch, _channels, height, width = model_input.shape
        self.size = (int(width), int(height))
        self.threshold = threshold

    def detect(self, frame: np.ndarray) -> list[Finding]:
        image = cv2.cvtColor(cv2.resize(frame, self.size, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
        batch = (image.astype(np.float32) / 255.0).transpose(2, 0, 1)[np.newaxis]
        scores = np.asarray(self.session.run(None, {self.input_name: batch})[0]).reshape(-1)
        return [
            Finding(label, float(score))
            for label, score in zip(self.labels, scores, strict=False)
            if float(score) >= self.threshold
        ]


def load(paths: list[str]) -> list[Detector]:
    detectors: list[Detector] = []
    for path in paths:
        detectors.append(OnnxDetector(path))
        log.info("scene detector loaded", extra={"model": path})
    return detectors
