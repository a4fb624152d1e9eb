# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One test's own AWS account on the shared moto server (the ``account`` fixture of the integration tests)."""

from __future__ import annotations

from dataclasses import dataclass

import boto3


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
        session = boto3.session.Session(
            aws_access_key_id=self.credentials["AccessKeyId"],
            aws_secret_access_key=self.credentials["SecretAccessKey"],
            aws_session_token=self.credentials["SessionToken"],
        )
        return session.client(service, region_name=region, endpoint_url=self.endpoint_url)
