"""Content-addressed blob storage and the upload pipeline (sniff, cap, re-encode)."""
