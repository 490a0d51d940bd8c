"""access_problems: what is wrong with an endpoint's keys, TLS and limits, in words."""

from __future__ import annotations

DOCUMENTATION = r"""
name: access_problems
short_description: What is wrong with the keys, TLS and limit settings of nginx's public port
description:
  - Checks the settings that decide who may call the endpoint and returns one message per problem,
    each naming the variable to fix. A key's value never appears in a message.
  - An empty list means the settings are usable.
options:
  _input:
    description: The settings, C({keys, tls, tls_certificate, tls_private_key, limits}).
    type: dict
    required: true
  prefix:
    description: Prefix of the variables the messages name, C(endpoint) or C(nginx_proxy).
    type: str
    required: true
"""

EXAMPLES = r"""
problems: >-
  {{ {'keys': nginx_proxy_auth_keys, 'tls': nginx_proxy_tls, 'tls_certificate': '', 'tls_private_key': '',
      'limits': {}} | inferops.scoring.access_problems('nginx_proxy') }}
"""

RETURN = r"""
_value:
  description: One message per problem; empty when the settings are usable.
  type: list
  elements: str
"""

from ansible_collections.inferops.scoring.plugins.plugin_utils import access


def access_problems(settings: dict, prefix: str) -> list[str]:
    keys = settings.get("keys") or []
    problems = access.key_problems(keys, f"{prefix}_auth_keys") if keys else []
    problems += access.tls_problems(
        settings.get("tls", "none"),
        settings.get("tls_certificate", ""),
        settings.get("tls_private_key", ""),
        f"{prefix}_tls",
    )
    return problems + access.limit_problems(settings.get("limits", {}))


class FilterModule:
    def filters(self):
        return {"access_problems": access_problems}
