"""Demo data for the embedded run. Never seeded in production (config refuses SEED_DEMO there)."""
