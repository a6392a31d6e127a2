"""The API fuzzed against its own OpenAPI schema: no server error, no response that breaks it."""

import io
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ParseError
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from interviewprep.authentication import issue_token
from interviewprep.parsers import BoundedJSONParser
from interviewprep.wsgi import application
from tests.factories import UserFactory

# Loading the schema needs no database: it is generated from the code.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def keep_connection_in_test_transaction():
    # Like Django's test client: the request signals must not close the connection that holds
    # the test's transaction (with psycopg's pool that would lose it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    return issue_token(UserFactory())[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    # Fixed examples keep CI repeatable; raise max_examples locally to search wider (60 per
    # operation found nothing more when this was written).
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, token):
    # Left out: two heuristics about how strict input parsing is. Wrong credentials are a 400
    # in DRF's token endpoint ("positive data rejected"), and DRF's CharField accepts a number
    # as text ("negative data accepted"). Neither is a server error or a schema violation.
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )


#: Bodies that once made server errors (issue 20.2): nesting past json's recursion limit,
#: numbers past 64 bits and past int()'s digit limit, wrong types and huge strings.
HOSTILE_BODIES = [
    "[" * 10_000 + "]" * 10_000,
    '{"a":' * 10_000 + "1" + "}" * 10_000,
    "1" * 5_000,
    json.dumps({"text": "x", "base_saves": 10**30, "seconds": 10**30, "version": 10**30}),
    json.dumps({"question": 2**63, "rating": 3, "expected_reps": -(10**30)}),
    json.dumps({"items": [{"question": 10**30, "score": 10**30, "points": [10**30]}]}),
    json.dumps({"resolves": [2**64], "summary": "s", "version": 1}),
    json.dumps({"username": ["a"], "password": {"$ne": ""}}),
    json.dumps({"text": "x" * 200_000, "title": "x" * 200_000}),
    json.dumps([1, 2, 3]),
]


#: Every write of the schema, each sent every hostile body once (a generated case each would
#: multiply the run time by schemathesis' coverage phase for no new input).
WRITES = [
    operation
    for operation in (result.ok() for result in schema.get_all_operations())
    if operation.method.upper() in {"POST", "PUT", "PATCH"}
]


@pytest.mark.django_db
@pytest.mark.parametrize("operation", WRITES, ids=lambda operation: operation.label)
def test_hostile_bodies_are_refused_not_server_errors(operation, token, bank_report):
    # Ids 1 name real rows in the loaded bank, so the body is parsed, not refused for a 404.
    case = operation.Case(
        path_parameters={parameter.name: 1 for parameter in operation.path_parameters}
    )
    for body in HOSTILE_BODIES:
        response = case.call(
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            data=body.encode(),
        )
        assert response.status_code < 500, (case.method, case.formatted_path, body[:50])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=50,
)


@given(
    document=json_values,
    depth=st.integers(min_value=0, max_value=20_000),
    opener=st.sampled_from(["[", '{"k":']),
)
@settings(max_examples=30, deadline=None)
def test_the_json_parser_parses_or_refuses(document, depth, opener):
    closer = "]" if opener == "[" else "}"
    for text in (json.dumps(document), opener * depth + json.dumps(document) + closer * depth):
        try:
            BoundedJSONParser().parse(io.BytesIO(text.encode()))
        except ParseError:
            assert depth > 0 or text == json.dumps(document)
