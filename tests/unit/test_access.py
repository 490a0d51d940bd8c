"""Who may call the endpoint: bad keys, TLS settings and limits are refused naming the variable,
and never with a key's value in the message."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / ".cache" / "collections"))
from ansible_collections.inferops.scoring.plugins.filter.access_problems import access_problems  # noqa: E402
from ansible_collections.inferops.scoring.plugins.plugin_utils import access  # noqa: E402

GOOD = {"primary": "A" * 43, "secondary": "b+/=._~-" * 4}
RULE = "16-128 characters of A-Z a-z 0-9 + / = . _ ~ -."


def test_a_primary_and_a_secondary_key_of_azure_s_alphabet_are_accepted():
    assert access.key_problems(GOOD, "endpoint_auth_keys") == []


def test_a_short_key_is_refused_by_name_without_its_value():
    problems = access.key_problems({**GOOD, "secondary": "short-secret"}, "endpoint_auth_keys")
    assert problems == [f"endpoint_auth_keys.secondary is not a key: {RULE}"]
    assert "short-secret" not in " ".join(problems)


def test_a_key_that_could_break_out_of_nginx_s_quotes_is_refused():
    problems = access.key_problems({**GOOD, "primary": 'x" 1; default 1; "' + "y" * 16}, "endpoint_auth_keys")
    assert problems == [f"endpoint_auth_keys.primary is not a key: {RULE}"]


def test_a_missing_secondary_key_is_refused():
    assert "takes two keys" in access.key_problems({"primary": GOOD["primary"]}, "endpoint_auth_keys")[0]


def test_two_equal_keys_are_refused_since_neither_could_rotate():
    problems = access.key_problems({"primary": "k" * 20, "secondary": "k" * 20}, "endpoint_auth_keys")
    assert problems == [
        "endpoint_auth_keys: the keys must differ, so that one can change while the other serves."
    ]


def test_a_list_of_keys_names_each_by_position():
    assert access.key_problems(["a" * 16, 7], "nginx_proxy_auth_keys") == [
        f"nginx_proxy_auth_keys[1] is not a key: {RULE}"
    ]


def test_tls_from_files_needs_both_files():
    assert access.tls_problems("controller", "cert.pem", "", "endpoint_tls") == [
        "endpoint_tls=controller needs endpoint_tls_private_key, the PEM file on the controller."
    ]


def test_tls_files_given_without_a_mode_that_uses_them_are_refused_not_ignored():
    assert access.tls_problems("none", "cert.pem", "", "endpoint_tls") == [
        "endpoint_tls_certificate take effect with endpoint_tls=controller or host, not none."
    ]


def test_a_file_that_is_not_pem_is_refused(tmp_path):
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    certificate.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    key.write_text("not a key")
    assert access.pem_problems(str(certificate), str(key), "endpoint_tls") == [
        f"endpoint_tls_private_key={key} is not PEM (no 'PRIVATE KEY-----' line)."
    ]


def test_a_missing_certificate_is_named():
    assert access.pem_problems("/nonexistent/cert.pem", "/nonexistent/key.pem", "endpoint_tls")[0] == (
        "endpoint_tls_certificate=/nonexistent/cert.pem is not a file on the controller."
    )


def test_a_negative_limit_is_refused_and_zero_means_none():
    assert access.limit_problems({"endpoint_rate_limit": 0, "endpoint_connection_limit": "8"}) == []
    assert access.limit_problems({"endpoint_rate_limit": -1}) == [
        "endpoint_rate_limit=-1 must be a whole number of 0 or more (0: no limit)."
    ]


def test_the_filter_joins_every_check_and_names_the_endpoint_variables():
    settings = {
        "keys": {"primary": "x"},
        "tls": "host",
        "tls_certificate": "",
        "tls_private_key": "/etc/key.pem",
        "limits": {"endpoint_rate_burst": "many"},
    }
    assert access_problems(settings, "endpoint") == [
        "endpoint_auth_keys takes two keys, {primary: ..., secondary: ...}, as an Azure ML endpoint has"
        " (found primary).",
        "endpoint_tls=host needs endpoint_tls_certificate, the PEM file on the host.",
        "endpoint_rate_burst=many must be a whole number of 0 or more (0: no limit).",
    ]


def test_no_keys_means_no_key_problem():
    assert access_problems({"keys": {}, "tls": "none", "limits": {}}, "endpoint") == []
