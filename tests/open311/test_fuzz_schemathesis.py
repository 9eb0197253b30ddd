"""Given the OpenAPI description of the Open311 endpoint (/open311/v2/openapi.json), when
schemathesis generates requests from it — valid ones and deliberately invalid ones, for every
resource in both formats — then no answer is a server error, every status is one the
description documents (200/201, 400, 403, 404), every JSON answer follows its schema, every
answer carries the content type of its format, invalid input is refused with a 4xx and a method
a resource does not take gets 405 with Allow. Once as generated (random keys and
jurisdictions), once with li's real key and the jurisdiction 沙河街道 put in, so the checks
behind the key and the jurisdiction are reached too."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from laoyuan.cases.models import Case

schema = schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", get_wsgi_application())

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.unsupported_method,
    checks.negative_data_rejection,
]
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """schemathesis calls the WSGI application itself; like django.test.Client, keep Django
    from closing the test's database connection at the end of each request (PostgreSQL would
    otherwise lose the test's transaction after the first call)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@FUZZ
def test_no_generated_request_fails_the_endpoint(case, world):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_no_generated_request_with_a_real_key_fails_the_endpoint(case, world, key):
    if isinstance(case.query, dict) or case.query is None:
        case.query = {**(case.query or {}), "jurisdiction_id": "SH"}
    if case.method == "POST" and isinstance(case.body, dict):
        case.body = {**case.body, "api_key": key, "jurisdiction_id": "SH"}
    before = Case.objects.count()
    response = case.call_and_validate(checks=CHECKS)
    # Only an accepted request writes a case, and exactly one.
    assert Case.objects.count() == before + (1 if response.status_code == 201 else 0)
