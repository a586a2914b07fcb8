"""Headless worker that samples kitchen camera streams with OpenCV (明厨亮灶): `python -m video_worker`
(or `sfs-video-worker`). See `worker` (leases), `sampler` (one camera), `capture` (the stream),
`analysis` (statuses, faces, snapshots), `detectors` (optional ONNX models), `metrics`."""
