"""Property-based tests of every operation against the app's own OpenAPI schema.

Schemathesis generates requests from the schema (bounded: a few examples per
operation) and checks that the server never answers 5xx, that status codes, content
types and JSON bodies conform to the schema. Requests carry the write token, so write
endpoints get past authentication and their validation is exercised too.

Excluded: ``positive_data_acceptance`` (a schema-valid request must succeed). Some
constraints are not expressible in OpenAPI and are answered with a clear 422: ``year``
depends on ``landcover`` (Basemap04 is 2021 only), geometries must be valid polygons.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from naturkapital.server import create_app
from naturkapital.server.cache import NKIService
from naturkapital.store import Store

from .conftest import TOKEN, make_settings

pytestmark = pytest.mark.web


# The schema is built at import (schemathesis parametrises from it), on an app with its
# own SQLite file in a temporary folder.
_TMP = tempfile.mkdtemp(prefix="nk-schemathesis-")
_SERVICE = NKIService()
_STORE = Store.open(f"sqlite:///{Path(_TMP) / 'st.sqlite'}")
APP = create_app(make_settings(), store=_STORE, nki=_SERVICE)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _app_running() -> Iterator[None]:
    with TestClient(APP):  # runs the lifespan (job runner)
        for epoch in ("basemap2021", "corine:2018"):  # cache what examples hit most
            _SERVICE.rows(epoch)
        _SERVICE.compare_rows("corine:2012", "corine:2018")
        yield
    _STORE.close()
    shutil.rmtree(_TMP, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_api_conforms_to_schema(case: schemathesis.Case) -> None:
    if case.path in ("/api/compare", "/api/sheet/{zone_id}.{fmt}",
                     "/api/tables/compare.{fmt}") and case.query:
        # Each new epoch pair costs two full computations (~2 s): keep to cached ones.
        case.query["from"] = "corine:2012"
        case.query["to"] = "corine:2018"
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"},
                           excluded_checks=[positive_data_acceptance])


def test_schema_covers_the_api() -> None:
    ops = [r.ok() for r in schema.get_all_operations()]
    labels = {f"{o.method.upper()} {o.path}" for o in ops}
    assert {"GET /api/municipalities", "POST /api/nki", "POST /api/scenarios",
            "POST /processes/{process_id}/execution", "GET /jobs/{job_id}/results",
            "GET /api/lowland/candidates/{kommune}", "GET /api/lowland/rules",
            "POST /api/lowland/screen", "GET /api/landcover/classes", "GET /api/scenario/demos",
            "GET /api/scenario/demos/{demo}", "POST /api/scenario/read",
            "POST /api/scenario/evaluate", "POST /api/export", "POST /api/scenario/report",
            "GET /api/sheet/{zone_id}.{fmt}"} <= labels
