# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One test's own AWS account on the shared moto server (the ``account`` fixture of the integration tests)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import boto3

# One boto3 session makes every client of the test process: botocore then reads its endpoint data and each service's
# model once, not once per client (about 60 ms of CPU each time). Making clients from one session is not thread-safe:
# the lock takes turns.
_SESSION: list[boto3.session.Session] = []
_SESSION_LOCK = threading.Lock()


@dataclass
class Account:
    """An AWS account of one test's own on the shared server, with the credentials of a role assumed in it."""

    account_id: str
    credentials: dict
    endpoint_url: str

    @property
    def deployer_role_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role/kmsguard-deployer"

    @property
    def env(self) -> dict[str, str]:
        """The environment that makes the standard credential chain act in this account."""
        return {
            "AWS_ACCESS_KEY_ID": self.credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": self.credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": self.credentials["SessionToken"],
        }

    def client(self, service: str, region: str = "us-east-1"):
        return client(service, region, self.endpoint_url, self.credentials)


def env_credentials(env: dict[str, str]) -> dict[str, str]:
    """The credentials of an environment (``AWS_ACCESS_KEY_ID`` and friends) in the form ``client`` takes."""
    names = {
        "AccessKeyId": "AWS_ACCESS_KEY_ID",
        "SecretAccessKey": "AWS_SECRET_ACCESS_KEY",
        "SessionToken": "AWS_SESSION_TOKEN",
    }
    return {key: env[name] for key, name in names.items() if env.get(name)}


def client(service: str, region: str, endpoint_url: str, credentials: dict):
    """A boto3 client of ``service`` in ``region`` at ``endpoint_url`` with ``credentials`` (AccessKeyId,
    SecretAccessKey and, for assumed ones, SessionToken), made by the process's one session."""
    with _SESSION_LOCK:
        if not _SESSION:
            _SESSION.append(boto3.session.Session())
        return _SESSION[0].client(
            service,
            region_name=region,
            endpoint_url=endpoint_url,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials.get("SessionToken"),
        )
