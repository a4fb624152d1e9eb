# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run a module's ``do(module)`` without Ansible or AWS: a stand-in module object and a stubbed boto3 client.

As kubernetes.core's unit tests do, ``exit_json`` and ``fail_json`` raise instead of exiting the process, so a test
gets the module's result; the client is a ``Mock`` whose calls are the API calls the module made, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from unittest import mock

import yaml

# The region every stubbed module runs in.
REGION = "us-east-1"


class ModuleExit(Exception):
    """The module called exit_json; ``result`` holds its arguments."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result)
        self.result = result


class ModuleFailure(Exception):
    """The module called fail_json; ``result`` holds its arguments."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result)
        self.result = result


class StubModule:
    """The part of AnsibleAWSModule that the collection's modules use."""

    def __init__(self, params: dict, client, check_mode: bool = False, diff: bool = True, region: str = REGION):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.region = region
        self.warnings: list[str] = []
        self.clients_made: list[tuple[str, dict]] = []
        self._client = client

    def client(self, service: str, **kwargs):
        self.clients_made.append((service, kwargs))
        return self._client

    def warn(self, warning: str) -> None:
        self.warnings.append(warning)

    def fail_json(self, **result):
        raise ModuleFailure(result)

    def exit_json(self, **result):
        raise ModuleExit(result)


def documented_params(module, **overrides) -> dict:
    """The options of ``module`` (an imported module file) with their documented defaults, as Ansible passes them."""
    options = yaml.safe_load(module.DOCUMENTATION)["options"]
    return {**{name: spec.get("default") for name, spec in options.items()}, **overrides}


def api_calls(client: mock.Mock) -> list[tuple[str, dict]]:
    """The client methods called, in order, with their keyword arguments (paginator chains by their first call)."""
    return [(name, kwargs) for name, _args, kwargs in client.mock_calls if name and "." not in name and "(" not in name]


@dataclass
class Outcome:
    """How ``do(module)`` ended (``"exit"`` or ``"fail"``), with what result, and the API calls it made."""

    ended: str
    result: dict
    calls: list[tuple[str, dict]]
    module: StubModule

    def failed_before_any_call(self) -> list[str]:
        """Assert the module failed on its options without making a client; return the problems it named."""
        assert self.ended == "fail", self.result
        assert self.result["msg"] == " ".join(self.result["problems"])
        assert self.module.clients_made == []
        assert self.calls == []
        return self.result["problems"]


def run_module(do, params: dict, client: mock.Mock, check_mode: bool = False, diff: bool = True) -> Outcome:
    """Run ``do`` on a StubModule with ``params`` whose every client is ``client``."""
    module = StubModule(params, client, check_mode=check_mode, diff=diff)
    try:
        do(module)
    except ModuleExit as ended:
        return Outcome("exit", ended.result, api_calls(client), module)
    except ModuleFailure as failed:
        return Outcome("fail", failed.result, api_calls(client), module)
    raise AssertionError("the module returned without calling exit_json or fail_json")
