# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A moto server on 127.0.0.1 that also records every AWS API call it answers.

Run as a script: ``python moto_endpoint.py --port-file PATH`` binds 127.0.0.1 on a free port (or ``--port``),
writes the port to PATH once it listens, and serves until SIGTERM/SIGINT.

Besides moto's own API (``/moto-api/reset`` and friends) it answers:

* ``GET /_kmsguard/calls``: JSON list of ``{"service", "operation", "region"}``, one per call since the last reset;
* ``DELETE /_kmsguard/calls``: forget the recorded calls.

Tests, the demo and the benchmark use the record to hold the collection to its API-call budget.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import sys
import threading
from urllib.parse import parse_qs

import moto_fidelity

CALLS_PATH = "/_kmsguard/calls"
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")
_RPC_V2_PATH = re.compile(r"/service/[^/]+/operation/(?P<operation>[^/?]+)")


def _form_action(environ: dict) -> str | None:
    """Return the query-protocol ``Action`` and put the request body back for moto to read."""
    action = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if action:
        return action[0]
    if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return None
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    return action[0] if action else None


def describe_call(environ: dict) -> dict:
    """Name the AWS operation of one WSGI request, whatever protocol botocore used for it."""
    scope = _CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    service = scope.group("service") if scope else "unknown"
    region = scope.group("region") if scope else "unknown"
    target = environ.get("HTTP_X_AMZ_TARGET")
    rpc_v2 = _RPC_V2_PATH.search(environ.get("PATH_INFO", ""))
    if target:
        operation = target.rsplit(".", 1)[-1]
    elif rpc_v2:
        operation = rpc_v2.group("operation")
    else:
        operation = _form_action(environ) or f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
    return {"service": service, "operation": operation, "region": region}


class CallRecorder:
    """WSGI middleware: records each AWS call, serves the record, passes everything else to moto."""

    def __init__(self, app):
        self.app = app
        self.calls: list[dict] = []
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == CALLS_PATH:
            return self._serve_record(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith("/moto-api"):
            call = describe_call(environ)
            with self.lock:
                self.calls.append(call)
        return self.app(environ, start_response)

    def _serve_record(self, environ, start_response):
        with self.lock:
            if environ.get("REQUEST_METHOD") == "DELETE":
                self.calls.clear()
            body = json.dumps(self.calls).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def serve(port: int, port_file: str | None) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from moto.moto_server.werkzeug_app import create_backend_app
    from werkzeug.serving import make_server

    moto_fidelity.apply()
    app = CallRecorder(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    bound_port = server.server_address[1]
    os.environ["MOTO_PORT"] = str(bound_port)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if port_file:
        with open(port_file + ".tmp", "w", encoding="utf-8") as handle:
            handle.write(str(bound_port))
        os.replace(port_file + ".tmp", port_file)
    print(f"moto endpoint listening on http://127.0.0.1:{bound_port}", flush=True)
    server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--port-file", help="write the bound port to this file once listening")
    args = parser.parse_args(argv)
    serve(args.port, args.port_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
