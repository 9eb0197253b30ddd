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


def _schema_classes(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _schema_classes(sub)


def test_no_two_schemas_of_the_api_share_a_name():
    """The OpenAPI document keys its components by class name: a second schema of the same
    name silently replaces the first in the documentation (the cases app's supervision-notice
    input once documented the public notices' input)."""
    import pydantic

    api.get_openapi_schema()  # every router's schemas imported
    modules: dict[str, set[str]] = {}
    for cls in _schema_classes(pydantic.BaseModel):
        if cls.__module__.startswith("laoyuan.") and "[" not in cls.__name__:
            modules.setdefault(cls.__name__, set()).add(cls.__module__)
    components = set(api.get_openapi_schema()["components"]["schemas"])
    clashes = {n: m for n, m in modules.items() if len(m) > 1 and n in components}
    assert clashes == {}
