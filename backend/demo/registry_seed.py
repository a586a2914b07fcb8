"""Demo businesses (filled in by the registry)."""


def seed_registry(users):
    return {}


def demo_public_urls(base_url):
    return []
