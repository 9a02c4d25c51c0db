import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (closed months' report bodies are cached)."""
    cache.clear()
    yield
    cache.clear()
