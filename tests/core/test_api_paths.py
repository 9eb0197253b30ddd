"""Given every router of the JSON API, no two apps claim the same method and path: the router
added first would silently answer for both (the cases app's supervision notices once hid behind
the public notices' GET /notices)."""

from collections import Counter

from laoyuan.api import api


def _operations():
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    yield method, (prefix.rstrip("/") + "/" + path.lstrip("/")).rstrip("/")


def test_no_two_endpoints_share_a_method_and_path():
    counts = Counter(_operations())
    assert len(counts) > 100
    assert [op for op, n in counts.items() if n > 1] == []
