"""Swagger documents: generated from inference-schema, valid, overridable by the user."""

import json
from pathlib import Path

import pytest
from contract.servers import SCRIPTS
from inferops_server.app import create_app
from inferops_server.settings import Settings
from openapi_spec_validator import validate


@pytest.mark.parametrize("script", ["schema.py", "echo_text.py"])
@pytest.mark.parametrize("version", ["2", "3", "3.1"])
def test_generated_documents_are_valid(client_for, script, version):
    document = client_for(script).get(f"/swagger.json?version={version}").get_json()
    validate(document)


@pytest.mark.parametrize(
    ("version", "field", "value"),
    [("2", "swagger", "2.0"), ("3", "openapi", "3.0.3"), ("3.1", "openapi", "3.1.0")],
)
def test_version_parameter_selects_the_document(client_for, version, field, value):
    assert client_for("schema.py").get(f"/swagger.json?version={version}").get_json()[field] == value


def test_default_version_is_2(client_for):
    assert client_for("schema.py").get("/swagger.json").get_json()["swagger"] == "2.0"


def test_input_schema_comes_from_the_decorators(client_for):
    document = client_for("schema.py").get("/swagger.json?version=3").get_json()
    assert set(document["components"]["schemas"]["ServiceInput"]["properties"]) == {"data", "scale"}


def test_unknown_version_is_404_listing_the_supported_ones(client_for):
    response = client_for("schema.py").get("/swagger.json?version=4")
    assert response.status_code == 404
    assert response.get_json() == {
        "message": "Swagger version [4] is not valid. Supported versions: [2, 3, 3.1]."
    }


def test_service_settings_shape_the_document(client_for):
    client = client_for("echo_text.py", service_name="iris", service_version="7", service_path_prefix="/api/")
    document = client.get("/swagger.json?version=3").get_json()
    assert (document["info"]["title"], document["info"]["version"]) == ("iris", "7")
    assert "/api/score" in document["paths"]


def test_user_swagger_file_replaces_the_generated_one(tmp_path):
    (tmp_path / "score.py").write_text((Path(SCRIPTS) / "echo_text.py").read_text())
    (tmp_path / "swagger3.json").write_text(json.dumps({"openapi": "3.0.3", "custom": True}))
    app = create_app(Settings(app_root=str(tmp_path), entry_script="score.py"), background_init=False)
    assert app.test_client().get("/swagger.json?version=3").get_json() == {"openapi": "3.0.3", "custom": True}


@pytest.mark.parametrize("version", ["2", "3", "3.1"])
def test_schemas_init_sets_on_run_make_valid_documents(client_for, version):
    validate(client_for("own_swagger.py").get(f"/swagger.json?version={version}").get_json())


def test_schemas_init_sets_on_run_describe_the_input(client_for):
    document = client_for("own_swagger.py").get("/swagger.json?version=3").get_json()
    assert document["components"]["schemas"]["ServiceInput"]["properties"] == {
        "rows": {"type": "array", "items": {"type": "number"}}
    }


def test_other_media_types_run_takes_are_listed(client_for):
    swagger2 = client_for("own_swagger.py").get("/swagger.json?version=2").get_json()
    openapi3 = client_for("own_swagger.py").get("/swagger.json?version=3").get_json()
    assert swagger2["consumes"] == ["application/json", "text/csv"]
    assert set(openapi3["paths"]["/score"]["post"]["requestBody"]["content"]) == {
        "application/json",
        "text/csv",
    }
