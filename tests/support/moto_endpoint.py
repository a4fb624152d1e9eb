# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A moto server on 127.0.0.1 that also records every AWS API call it answers, and the client side to start it.

Run as a script: ``python moto_endpoint.py --port-file PATH`` binds 127.0.0.1 on a free port (or ``--port``),
writes the port to PATH once it listens, and serves until SIGTERM/SIGINT.

Besides moto's own API (``/moto-api/reset`` and friends) it answers:

* ``GET /_kmsguard/calls``: JSON list of ``{"service", "operation", "region"}``, one per call since the last reset;
* ``DELETE /_kmsguard/calls``: forget the recorded calls;
* ``GET /_kmsguard/authorizations``: with IAM enforcement on (``start(..., unauthenticated_calls=0)``), JSON list of
  ``{"action", "resource", "caller", "allowed"}``, one per IAM check moto made, with the action as moto names it
  (the request's signing name, ``monitoring:PutMetricAlarm`` for CloudWatch); ``DELETE`` forgets them.

Tests, the demo and the benchmark start it with ``start(work_dir)`` and use the record (``MotoEndpoint.calls``,
``is_write``) to hold the collection to its API-call budget.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import moto_fidelity

CALLS_PATH = "/_kmsguard/calls"
AUTHORIZATIONS_PATH = "/_kmsguard/authorizations"
RESET_AUTH_PATH = "/moto-api/reset-auth"
# moto imports every service backend on start: on a busy 2-core machine that can take well over a minute.
START_TIMEOUT = 180
STOP_TIMEOUT = 10
DEFAULT_REGION = "us-east-1"
# Any key pair works with moto; these map to its default account 123456789012.
TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
# Operations that only read (or, AssumeRole, hand out credentials): everything else counts as a write, so a new
# operation is a write until it is known not to be one. REST calls (S3) are recorded as "METHOD /path".
_READ_OPERATION = re.compile(r"(Describe|Get|List|Head|Lookup|Test|Filter|Search|AssumeRole)[A-Za-z]*|(GET|HEAD) .*")
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
        self.authorizations: list[dict] = []
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == CALLS_PATH:
            return self._serve_record(environ, start_response, self.calls)
        if environ.get("PATH_INFO") == AUTHORIZATIONS_PATH:
            return self._serve_record(environ, start_response, self.authorizations)
        if not environ.get("PATH_INFO", "").startswith("/moto-api"):
            call = describe_call(environ)
            with self.lock:
                self.calls.append(call)
        return self.app(environ, start_response)

    def _serve_record(self, environ, start_response, record: list[dict]):
        with self.lock:
            if environ.get("REQUEST_METHOD") == "DELETE":
                record.clear()
            body = json.dumps(record).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def is_write(operation: str) -> bool:
    """Whether a recorded operation may change state in the account."""
    return not _READ_OPERATION.fullmatch(operation)


def record_authorizations(recorder: CallRecorder) -> None:
    """Record each IAM check moto makes (it makes them only with enforcement on) in ``recorder``: which action, on
    what, by whom, allowed or not."""
    from moto.iam.access_control import IAMRequestBase

    check = IAMRequestBase.check_action_permitted

    def recorded_check(request, resource: str) -> None:
        entry = {"action": request._action, "resource": resource, "caller": request._access_key.arn}
        entry["request"] = f"{request._method} {request._path}"
        try:
            check(request, resource)
        except Exception:
            entry["allowed"] = False
            raise
        else:
            entry["allowed"] = True
        finally:
            with recorder.lock:
                recorder.authorizations.append(entry)

    IAMRequestBase.check_action_permitted = recorded_check


# --- the server ---------------------------------------------------------------------------------------------------


def serve(port: int, port_file: str | None) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from moto.moto_server.werkzeug_app import create_backend_app
    from werkzeug.serving import make_server

    moto_fidelity.apply()
    app = CallRecorder(DomainDispatcherApplication(create_backend_app))
    record_authorizations(app)
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


# --- the client side: start a server, read its record, stop it ----------------------------------------------------


@dataclass
class MotoEndpoint:
    """A running server: its URL, its call record, and the environment that sends every AWS call to it."""

    url: str
    process: subprocess.Popen
    log_path: Path

    def calls(self) -> list[dict]:
        with urllib.request.urlopen(self.url + CALLS_PATH) as response:
            return json.load(response)

    def forget_calls(self) -> None:
        urllib.request.urlopen(urllib.request.Request(self.url + CALLS_PATH, method="DELETE")).close()

    def authorizations(self) -> list[dict]:
        """Each IAM check since the last ``forget_authorizations`` (IAM enforcement on): action, resource, the
        caller's ARN (``caller``) and whether it was allowed."""
        with urllib.request.urlopen(self.url + AUTHORIZATIONS_PATH) as response:
            return json.load(response)

    def forget_authorizations(self) -> None:
        urllib.request.urlopen(urllib.request.Request(self.url + AUTHORIZATIONS_PATH, method="DELETE")).close()

    def answer_unchecked(self, calls: float) -> None:
        """IAM enforcement on: moto answers the next ``calls`` calls without IAM checks (``float("inf")``: all, until
        the next ``answer_unchecked(0)``), for setting up users and their keys."""
        request = urllib.request.Request(
            self.url + RESET_AUTH_PATH, data=str(calls).encode(), headers={"Content-Type": "text/plain"}, method="POST"
        )
        urllib.request.urlopen(request).close()

    def operations(self, service: str | None = None) -> list[str]:
        """The operations recorded since the last ``forget_calls``, in order, optionally for one service."""
        return [call["operation"] for call in self.calls() if service is None or call["service"] == service]

    def aws_env(self, credentials: dict[str, str] | None = None) -> dict[str, str]:
        """This process's environment without the user's AWS settings: ``credentials`` (or moto's test keys), and
        every AWS call to this endpoint."""
        env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
        env.update(credentials or TEST_CREDENTIALS)
        env.update(
            AWS_DEFAULT_REGION=DEFAULT_REGION,
            AWS_ENDPOINT_URL=self.url,
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        return env

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(work_dir: Path, own_session: bool = False, unauthenticated_calls: int | None = None) -> MotoEndpoint:
    """Start this script on a free port of 127.0.0.1 and wait until it listens; its log is ``work_dir/moto.log``.

    ``own_session``: the server does not get the terminal's Ctrl-C; the caller stops it (the demo does, so that it
    can report the stop).
    ``unauthenticated_calls``: IAM enforcement on. moto answers this many calls (from anyone, for example those that
    create a user and its access key) without checking them, then checks the signature and the caller's IAM policies
    of every call (moto's ``INITIAL_NO_AUTH_ACTION_COUNT``). None: never checked.
    """
    port_file = work_dir / "moto.port"
    log_path = work_dir / "moto.log"
    env = dict(os.environ)
    if unauthenticated_calls is not None:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(unauthenticated_calls)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, __file__, "--port-file", str(port_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=own_session,
            env=env,
        )
    endpoint = MotoEndpoint(url="", process=process, log_path=log_path)
    deadline = time.monotonic() + START_TIMEOUT
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            endpoint.stop()
            raise RuntimeError(
                f"the moto server did not listen within {START_TIMEOUT} s:\n{log_path.read_text(errors='replace')}"
            )
        time.sleep(0.1)
    endpoint.url = f"http://127.0.0.1:{port_file.read_text().strip()}"
    return endpoint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--port-file", help="write the bound port to this file once listening")
    args = parser.parse_args(argv)
    serve(args.port, args.port_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
