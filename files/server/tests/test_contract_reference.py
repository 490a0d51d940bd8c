"""Our server against Microsoft's azmlinfsrv 1.5.1 on the whole request matrix (contract/matrix.py)."""

import os
import sys

import pytest
from contract.compare import Observation, differences, run_matrix
from contract.matrix import Case

REFERENCE_PYTHON = os.environ.get("INFEROPS_REFERENCE_PYTHON")


@pytest.mark.skipif(
    not REFERENCE_PYTHON,
    reason="set INFEROPS_REFERENCE_PYTHON to a python with azureml-inference-server-http==1.5.1",
)
def test_every_case_answers_like_microsofts_server():
    rows = run_matrix(REFERENCE_PYTHON, sys.executable)
    assert [row for row in rows if row[2] != "same"] == []


def observation(status=200, body=b"{}", **headers):
    return Observation(status, {"content-type": "application/json", **headers}, body)


def test_comparison_reports_a_different_status():
    assert differences(Case("c", "GET", "/"), observation(200), observation(404))


def test_comparison_reports_a_missing_contract_header():
    theirs = observation(**{"x-ms-run-function-failed": "True"})
    assert differences(Case("c", "GET", "/"), theirs, observation())


def test_comparison_ignores_ids_each_server_generates():
    assert (
        differences(
            Case("c", "GET", "/"), observation(**{"x-request-id": "a"}), observation(**{"x-request-id": "b"})
        )
        == []
    )


def test_comparison_checks_ids_the_client_sent():
    case = Case("c", "GET", "/", headers={"x-request-id": "a"})
    assert differences(case, observation(**{"x-request-id": "a"}), observation(**{"x-request-id": "b"}))
