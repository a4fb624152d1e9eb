# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A loopback proxy between the modules and the moto server that injects AWS's throttling errors and HTTP 503s.

Point ``AWS_ENDPOINT_URL`` at ``FaultProxy.url`` instead of the moto endpoint: every AWS call passes through it. A
call is answered by the proxy itself, without reaching moto, when

* a scripted ``Fault`` matches its operation (e.g. CreateTrail's InvalidCloudWatchLogsRoleArnException for the
  first N calls, as while IAM propagates a new role), or else
* a seeded random draw falls under ``throttle_rate`` (the service's own throttling error, in its protocol's error
  shape) or the next ``unavailable_rate`` (a bare HTTP 503, as a load balancer sends).

The error shapes are the ones botocore parses for each protocol of the services the role calls (botocore 1.44):
JSON 1.1 (CloudWatch Logs, CloudTrail, KMS), JSON 1.0 with the query error code in ``x-amzn-query-error``
(CloudWatch: botocore 1.44 prefers json to the smithy-rpc-v2-cbor its model lists first; a CBOR request gets the
same error in CBOR), query/XML (SNS, IAM, STS) and REST-XML (S3, whose throttling answer is 503 SlowDown).
Every call is recorded, injected or not, with its service, operation, region and whether it writes
(``moto_endpoint.describe_call`` and ``is_write``: one classifier).

The draw is seeded, so a seed fixes the sequence of decisions; which call meets which decision still depends on
the order in which concurrent calls arrive.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import struct
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urlsplit

from moto_endpoint import describe_call
from moto_endpoint import is_write

THROTTLING = "throttling"
UNAVAILABLE = "unavailable"
# Headers that belong to one hop of the connection, not to the request or the answer.
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}
# Not forwarded: the proxy has read the whole body already, so there is nothing left to wait for.
_NOT_FORWARDED = {"Expect"}
_CREDENTIALS_IN_ANSWER = re.compile(r"<(?:SecretAccessKey|SessionToken)>([^<]+)</")
_STATUS_TEXT = {400: "400 Bad Request", 503: "503 Service Unavailable"}


@dataclass
class Fault:
    """Answer ``operation`` with the error ``code`` (HTTP ``status``), the first ``times`` times (None: always)."""

    operation: str
    code: str
    message: str
    status: int = 400
    times: int | None = None
    used: int = 0

    def applies(self, operation: str) -> bool:
        return operation == self.operation and (self.times is None or self.used < self.times)


# --- each protocol's error shape --------------------------------------------------------------------------------


def _cbor_text(text: str) -> bytes:
    return _cbor_head(3, len(text.encode())) + text.encode()


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    if length < 256:
        return bytes([major << 5 | 24, length])
    return bytes([major << 5 | 25]) + struct.pack(">H", length)


def cbor_map(values: dict[str, str]) -> bytes:
    """A CBOR map of text strings: all an rpc-v2-cbor error body holds."""
    return _cbor_head(5, len(values)) + b"".join(_cbor_text(key) + _cbor_text(value) for key, value in values.items())


def protocol_of(environ: dict) -> str:
    """Which protocol botocore used for a request: the error must come back in the same one.

    botocore 1.44 sends CloudWatch over JSON 1.0 (its model lists smithy-rpc-v2-cbor, json and query, and botocore
    prefers json); the rpc-v2-cbor shape is kept for a botocore that picks CBOR.
    """
    if environ.get("HTTP_X_AMZ_TARGET"):
        return "json"
    if environ.get("PATH_INFO", "").startswith("/service/") and "/operation/" in environ["PATH_INFO"]:
        return "rpc-v2-cbor"
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded") or "Action=" in environ.get(
        "QUERY_STRING", ""
    ):
        return "query"
    return "rest-xml"


def throttling_error(protocol: str, query_compatible: bool) -> tuple[str, int]:
    """The error code and HTTP status a service of ``protocol`` throttles with.

    A query-compatible service (CloudWatch, whatever its wire protocol) keeps its query code ``Throttling``: the
    JSON and CBOR answers carry it in ``x-amzn-query-error``, as AWS sends it.
    """
    if protocol == "rest-xml":
        return "SlowDown", 503
    if protocol == "query" or query_compatible:
        return "Throttling", 400
    return "ThrottlingException", 400


@dataclass(frozen=True)
class RequestShape:
    """What an error answer must match in the request: its protocol, its JSON version, query compatibility."""

    protocol: str
    content_type: str = ""
    query_compatible: bool = False

    @classmethod
    def of(cls, environ: dict) -> RequestShape:
        return cls(
            protocol_of(environ),
            environ.get("CONTENT_TYPE", ""),
            environ.get("HTTP_X_AMZN_QUERY_MODE", "").lower() == "true",
        )


def error_answer(shape: RequestShape, code: str, message: str, status: int) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of an AWS error in the request's protocol."""
    request_id = str(uuid.uuid4())
    query_error = [("x-amzn-query-error", f"{code};Sender")] if shape.query_compatible else []
    if shape.protocol == "json":
        json_version = shape.content_type if shape.content_type.startswith("application/x-amz-json") else ""
        # AWS names a JSON error by its shape id; an unmodelled throttle comes from the front end (Coral).
        type_name = f"com.amazon.coral.availability#{code}" if shape.query_compatible else code
        body = json.dumps({"__type": type_name, "message": message}).encode()
        headers = [("Content-Type", json_version or "application/x-amz-json-1.1"), ("x-amzn-RequestId", request_id)]
        headers += query_error
    elif shape.protocol == "rpc-v2-cbor":
        body = cbor_map({"__type": code, "message": message})
        headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
        headers += [("x-amzn-RequestId", request_id), *query_error]
    elif shape.protocol == "query":
        body = (
            '<ErrorResponse xmlns="https://aws.amazon.com/"><Error><Type>Sender</Type>'
            f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId>"
            "</ErrorResponse>"
        ).encode()
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)]
    else:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
        headers = [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
    return status, headers, body


def unavailable_answer() -> tuple[int, list[tuple[str, str]], bytes]:
    """A bare 503, as a load balancer in front of the service sends it: no AWS error body at all."""
    return 503, [("Content-Type", "text/html")], b"<html><body><h1>503 Service Unavailable</h1></body></html>"


# --- the proxy ---------------------------------------------------------------------------------------------------


@dataclass
class FaultInjector:
    """WSGI app: decides, records, and answers or forwards each call to ``upstream`` (the moto endpoint's URL)."""

    upstream: str
    throttle_rate: float = 0.0
    unavailable_rate: float = 0.0
    seed: int = 0
    faults: list[Fault] = field(default_factory=list)
    # Called with the number of writes that reached moto so far, after moto answered the latest one and before the
    # caller gets the answer (a test kills the run there: the write happened, the module never learns it).
    after_write: Callable[[int], None] | None = None
    calls: list[dict] = field(default_factory=list)
    # Credentials that went over the wire: session tokens sent, secrets and tokens that STS answered with.
    secrets_seen: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()
        self._writes_done = 0

    def __call__(self, environ, start_response):
        call = describe_call(environ)
        shape = RequestShape.of(environ)
        with self._lock:
            injected, answer = self._decide(call["operation"], shape)
            self.calls.append({**call, "write": is_write(call["operation"]), "injected": injected})
            if environ.get("HTTP_X_AMZ_SECURITY_TOKEN"):
                self.secrets_seen.add(environ["HTTP_X_AMZ_SECURITY_TOKEN"])
        status, headers, body = answer if answer else self._forward(environ)
        if not answer:
            self.secrets_seen.update(_CREDENTIALS_IN_ANSWER.findall(body.decode("utf-8", "replace")))
        if not answer and is_write(call["operation"]) and self.after_write:
            with self._lock:
                self._writes_done += 1
                done = self._writes_done
            self.after_write(done)
        start_response(_STATUS_TEXT.get(status, f"{status} Status"), [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _decide(self, operation: str, shape: RequestShape):
        for fault in self.faults:
            if fault.applies(operation):
                fault.used += 1
                return fault.code, error_answer(shape, fault.code, fault.message, fault.status)
        draw = self._random.random()
        if draw < self.throttle_rate:
            code, status = throttling_error(shape.protocol, shape.query_compatible)
            return THROTTLING, error_answer(shape, code, "Rate exceeded", status)
        if draw < self.throttle_rate + self.unavailable_rate:
            return UNAVAILABLE, unavailable_answer()
        return None, None

    def _forward(self, environ) -> tuple[int, list[tuple[str, str]], bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            name[5:].replace("_", "-").title(): value
            for name, value in environ.items()
            if name[:5] == "HTTP_" and name[5:].replace("_", "-").title() not in _NOT_FORWARDED
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        headers["Content-Length"] = str(len(body))
        path = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
        if "?" not in path and environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        target = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        try:
            connection.request(environ["REQUEST_METHOD"], path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            kept = [(n, v) for n, v in response.getheaders() if n.lower() not in _HOP_BY_HOP | {"content-length"}]
            return response.status, kept, answer
        finally:
            connection.close()


class FaultProxy:
    """The injector served on a free port of 127.0.0.1, in a thread of this process."""

    def __init__(self, injector: FaultInjector) -> None:
        from werkzeug.serving import WSGIRequestHandler
        from werkzeug.serving import make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, code="-", size="-") -> None:
                """The call record says what happened; a log line per call would only fill the test output."""

        self.injector = injector
        self._server = make_server("127.0.0.1", 0, injector, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def calls(self) -> list[dict]:
        return list(self.injector.calls)

    def forget_calls(self) -> None:
        self.injector.calls.clear()

    def injected(self, kind: str | None = None) -> list[dict]:
        """The calls the proxy answered itself (of one kind: THROTTLING, UNAVAILABLE or an error code)."""
        return [call for call in self.calls if call["injected"] and (kind is None or call["injected"] == kind)]

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


def start(upstream: str, throttle_rate=0.0, unavailable_rate=0.0, seed=0, faults=(), after_write=None) -> FaultProxy:
    """A proxy to ``upstream`` with these fault rates, seed, scripted faults and write hook."""
    return FaultProxy(FaultInjector(upstream, throttle_rate, unavailable_rate, seed, list(faults), after_write))
