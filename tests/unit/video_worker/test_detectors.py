"""ONNX scene detectors: a tiny model built here (each label scores its colour channel's mean), loaded
from a file with its labels, as an operator would provide one."""

import numpy as np
import pytest

from tests.video import channel_mean_model
from video_worker.detectors import Finding, OnnxDetector, load


def test_an_onnx_model_reports_the_labels_over_their_threshold(tmp_path):
    detector = OnnxDetector(channel_mean_model(tmp_path / "scene.onnx"))
    red = np.zeros((360, 640, 3), np.uint8)
    red[:, :, 2] = 255  # BGR: a red frame
    assert detector.detect(red) == [Finding("no_chef_hat", 1.0)]
    grey = np.full((360, 640, 3), 100, np.uint8)
    assert detector.detect(grey) == []  # 0.39 everywhere: under the threshold
    assert [d.name for d in load([str(tmp_path / "scene.onnx")])] == ["scene"]


def test_a_model_without_its_labels_is_refused(tmp_path):
    path = channel_mean_model(tmp_path / "scene.onnx")
    path.with_suffix(".labels.json").unlink()
    with pytest.raises(FileNotFoundError):
        OnnxDetector(path)
