"""Who may call the endpoint, and how: the keys, TLS and the limits, checked before any change.

Each function returns what is wrong in words that name the variable to fix, never a key's value:
the messages reach Ansible's output, the keys must not.
"""

from __future__ import annotations

import os
import re

# Azure ML's keys are base64; a few more URL-safe characters are allowed. None of them needs quoting
# in nginx's configuration, where the keys end up.
KEY = re.compile(r"[A-Za-z0-9+/=._~-]{16,128}")
KEY_RULE = "16-128 characters of A-Z a-z 0-9 + / = . _ ~ -"
TLS_MODES = ("none", "self-signed", "controller", "host")


def key_problems(keys: object, variable: str) -> list[str]:
    """What is wrong with ``keys``: a list of keys, or Azure's {primary, secondary} pair."""
    if isinstance(keys, dict):
        if set(keys) != {"primary", "secondary"}:
            return [
                f"{variable} takes two keys, {{primary: ..., secondary: ...}}, as an Azure ML endpoint has "
                f"(found {', '.join(sorted(map(str, keys))) or 'none'})."
            ]
        named = [(f"{variable}.{name}", keys[name]) for name in ("primary", "secondary")]
    elif isinstance(keys, list):
        named = [(f"{variable}[{index}]", key) for index, key in enumerate(keys)]
    else:
        return [f"{variable} must be a list of keys or {{primary: ..., secondary: ...}}."]
    problems = [
        f"{name} is not a key: {KEY_RULE}."
        for name, key in named
        if not isinstance(key, str) or not KEY.fullmatch(key)
    ]
    values = [key for _, key in named]
    if not problems and len(set(values)) != len(values):
        problems.append(f"{variable}: the keys must differ, so that one can change while the other serves.")
    return problems


def tls_problems(mode: str, certificate: str, private_key: str, prefix: str) -> list[str]:
    """What is wrong with the TLS settings (``prefix`` is the variables' prefix, e.g. endpoint_tls)."""
    if mode not in TLS_MODES:
        return [f"{prefix}={mode} is not one of {', '.join(TLS_MODES)}."]
    given = {f"{prefix}_certificate": certificate, f"{prefix}_private_key": private_key}
    if mode in ("none", "self-signed"):
        extra = " and ".join(name for name, value in given.items() if value)
        return [f"{extra} take effect with {prefix}=controller or host, not {mode}."] if extra else []
    where = "on the controller" if mode == "controller" else "on the host"
    missing = [name for name, value in given.items() if not value]
    return [f"{prefix}={mode} needs {name}, the PEM file {where}." for name in missing]


def pem_problems(certificate: str, private_key: str, prefix: str) -> list[str]:
    """What is wrong with controller-side PEM files (already absolute paths)."""
    problems = []
    for name, path, marker in (
        (f"{prefix}_certificate", certificate, "-----BEGIN CERTIFICATE-----"),
        (f"{prefix}_private_key", private_key, "PRIVATE KEY-----"),
    ):
        if not os.path.isfile(path):
            problems.append(f"{name}={path} is not a file on the controller.")
            continue
        try:
            with open(path, encoding="ascii", errors="replace") as handle:
                text = handle.read(1 << 20)
        except OSError as error:
            problems.append(f"{name}={path} cannot be read: {error.strerror}.")
            continue
        # A Vault-encrypted file is decrypted by the copy: it is not checked here.
        if marker not in text and not text.startswith("$ANSIBLE_VAULT"):
            problems.append(f"{name}={path} is not PEM (no '{marker}' line).")
    return problems


def limit_problems(limits: dict[str, object]) -> list[str]:
    """Each limit is a whole number, 0 meaning none."""
    return [
        f"{name}={value} must be a whole number of 0 or more (0: no limit)."
        for name, value in limits.items()
        if isinstance(value, bool) or not re.fullmatch(r"[0-9]+", str(value).strip())
    ]
