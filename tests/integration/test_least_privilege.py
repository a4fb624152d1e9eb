# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""docs/iam/deployer-policy.json is exactly what site.yml, verify.yml and teardown.yml need (role defaults).

A moto server of this module's own checks IAM on every call. Each target is an IAM user in an account of its own,
reached through a profile of a shared credentials file. The user holding the policy runs site.yml, site.yml again,
verify.yml and teardown.yml; then (make test-reliability) one user per action, each holding the policy without that
one action, runs site.yml and each later step that uses the action (all of those users in one run of each step):
each must fail in the first step that uses the action, with access denied, and moto's record of its IAM checks must
show the refusal of that action and of no other.

moto differs from IAM in ways the test translates (``moto_policy``): it names an action by the request's signing
name (CloudWatch signs as ``monitoring``); it names S3 actions from a table of its own that folds several bucket
sub-resources into ``s3:CreateBucket`` (PUT) and ``s3:ListBucket`` (GET); it checks every non-S3 action against
the resource ``*`` (so only the bucket's scope is enforced); it denies any statement with a condition; and it never
checks ``iam:PassRole``. docs/reliability.md says what follows from that.
"""

from __future__ import annotations

import itertools
import json
import sys
import uuid
from pathlib import Path

import pytest
import yaml

import aws_account
import reliability_figures
from moto_endpoint import start as start_endpoint
from playbook_run import PlaybookRun
from playbook_run import execute_playbook
from playbook_run import json_report_env

REPO_ROOT = Path(__file__).resolve().parents[2]
POLICY_PATH = REPO_ROOT / "docs" / "iam" / "deployer-policy.json"
# The runs of each user, in order: a first deployment, a re-run on the converged account (it reads what exists: the
# role's inline policy, for example), the audit and the teardown.
STEPS = ("site", "site-again", "verify", "teardown")
REGION = "us-east-1"
EMAILS = ["security-team@example.com"]
FORKS = 8

# The IAM actions of the document that moto checks under another name, or never.
MOTO_NAMES = {
    "iam:PassRole": (),
    "s3:ListBucket": ("s3:ListBucket", "s3:HeadBucket"),
    **dict.fromkeys(
        (
            "s3:GetBucketOwnershipControls",
            "s3:GetBucketPublicAccessBlock",
            "s3:GetEncryptionConfiguration",
        ),
        ("s3:ListBucket",),
    ),
    **dict.fromkeys(
        ("s3:PutBucketOwnershipControls", "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration"),
        ("s3:CreateBucket",),
    ),
}
DENIED = ("AccessDenied", "not authorized", "403")
# Refused to the policy's user, and the run goes on without them: amazon.aws.aws_caller_info reads the account alias
# when it may; amazon.aws.s3_bucket reads the bucket settings the role leaves alone (ACL, accelerate, logging, tags,
# and what moto checks as s3:ListBucket: request payment, object lock, inventory) and only warns when refused. Not in
# the policy.
TOLERATED = {
    "iam:ListAccountAliases",
    "s3:GetBucketAcl",
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketLogging",
    "s3:GetBucketTagging",
}


def policy_document() -> dict:
    return json.loads(POLICY_PATH.read_text())


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def policy_actions(document: dict) -> list[str]:
    return sorted({action for statement in document["Statement"] for action in as_list(statement["Action"])})


def moto_actions(action: str) -> tuple[str, ...]:
    if action in MOTO_NAMES:
        return MOTO_NAMES[action]
    service, name = action.split(":")
    return (f"{'monitoring' if service == 'cloudwatch' else service}:{name}",)


def moto_policy(document: dict, without: str | None = None) -> dict:
    """The document as moto can check it: moto's action names, ``*`` for every resource moto checks as ``*`` (all
    but S3's), no condition; ``without`` (a moto action name) left out."""
    statements = []
    for statement in document["Statement"]:
        actions = sorted({name for action in as_list(statement["Action"]) for name in moto_actions(action)} - {without})
        if not actions:
            continue
        resources = as_list(statement["Resource"])
        if not all(resource.startswith("arn:aws:s3:::") for resource in resources):
            resources = ["*"]
        statements.append({"Effect": statement["Effect"], "Action": actions, "Resource": resources})
    return {"Version": document["Version"], "Statement": statements}


def moto_cases(document: dict) -> list[str]:
    return sorted({name for action in policy_actions(document) for name in moto_actions(action)})


class EnforcedAccounts:
    """A moto server with IAM checks on; one account per target, each with one user and a profile for it."""

    def __init__(self, work_dir: Path):
        self.work_dir = work_dir
        self.endpoint = start_endpoint(work_dir, unauthenticated_calls=0)
        self.credentials_file = work_dir / "credentials"
        self.profiles: dict[str, str] = {}
        self.accounts = itertools.count(100000000000)

    def add_user(self, host: str, policy: dict) -> None:
        """Without IAM checks: a user in an account of its own holding ``policy``, a KMS key there (so verify
        describes one), and the user's keys as profile ``host``."""
        account_id = str(next(self.accounts))
        moto_keys = aws_account.env_credentials(self.endpoint.aws_env())  # moto's own: they set each account up
        self.endpoint.answer_unchecked(float("inf"))
        try:
            credentials = aws_account.client("sts", REGION, self.endpoint.url, moto_keys).assume_role(
                RoleArn=f"arn:aws:iam::{account_id}:role/setup", RoleSessionName="setup"
            )["Credentials"]
            iam = aws_account.client("iam", REGION, self.endpoint.url, credentials)
            iam.create_user(UserName="deployer")
            iam.put_user_policy(UserName="deployer", PolicyName="deployer", PolicyDocument=json.dumps(policy))
            key = iam.create_access_key(UserName="deployer")["AccessKey"]
            kms = aws_account.client("kms", REGION, self.endpoint.url, credentials)
            kms.create_key(Description="audited by verify.yml")
        finally:
            self.endpoint.answer_unchecked(0)
        self.profiles[host] = f"arn:aws:iam::{account_id}:user/deployer"
        with self.credentials_file.open("a", encoding="utf-8") as handle:
            handle.write(
                f"[{host}]\naws_access_key_id = {key['AccessKeyId']}\n"
                f"aws_secret_access_key = {key['SecretAccessKey']}\n"
            )

    def run(self, step: str, hosts: list[str]) -> PlaybookRun:
        """The playbook of ``step`` on ``hosts``, each with its own profile; the report goes to the work directory."""
        inventory = self.work_dir / f"hosts-{uuid.uuid4().hex[:8]}.yml"
        group_vars = {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "pending_deletion_alarm_emails": EMAILS,
        }
        content = {"all": {"vars": group_vars, "hosts": {h: {"aws_region": REGION, "aws_profile": h} for h in hosts}}}
        inventory.write_text(yaml.safe_dump(content, sort_keys=False))
        env = json_report_env(self.endpoint.aws_env())
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.pop(name, None)
        env["AWS_SHARED_CREDENTIALS_FILE"] = str(self.credentials_file)
        self.endpoint.forget_authorizations()
        return execute_playbook(
            REPO_ROOT / "playbooks" / f"{step.removesuffix('-again')}.yml",
            inventory,
            env,
            ["--forks", str(FORKS)],
            cwd=self.work_dir,
            endpoint=self.endpoint,
        )

    def checks_by(self, host: str) -> list[dict]:
        """moto's IAM checks of the last run made for ``host``'s user."""
        return [check for check in self.endpoint.authorizations() if check["caller"] == self.profiles[host]]


def host_failures(run: PlaybookRun, host: str) -> str:
    """The messages of ``host``'s failed tasks, and of the failed items of a failed loop."""
    failed = [result for task in run.tasks() for name, result in task["hosts"].items() if name == host]
    failed = [result for result in failed if result.get("failed")]
    # The json callback leaves "failed" out of a loop's items: take each item's message.
    failed += [item for result in failed for item in result.get("results", [])]
    return "\n".join(f"{result.get('msg', '')} {result.get('module_stderr', '')}" for result in failed)


@pytest.fixture(scope="module")
def enforced(tmp_path_factory):
    accounts = EnforcedAccounts(tmp_path_factory.mktemp("least-privilege"))
    try:
        yield accounts
    finally:
        accounts.endpoint.stop()


@pytest.fixture(scope="module")
def needed(enforced) -> dict[str, list[str]]:
    """The user holding exactly the policy runs site (twice), verify and teardown: each succeeds. Returns the moto
    actions of each step, in order of first use."""
    enforced.add_user("exact", moto_policy(policy_document()))
    used: dict[str, list[str]] = {}
    for step in STEPS:
        run = enforced.run(step, ["exact"])
        assert run.rc == 0, run.explain()
        if step == "site-again":
            assert run.changed == {"exact": 0}, run.explain()
        checks = enforced.checks_by("exact")
        assert {check["action"] for check in checks if not check["allowed"]} <= TOLERATED
        used[step] = list(dict.fromkeys(check["action"] for check in checks if check["allowed"]))
    return used


def test_the_policy_is_enough_and_holds_no_action_the_playbooks_do_not_use(needed):
    document = policy_document()
    checked = {name for names in needed.values() for name in names} - {"sts:GetCallerIdentity"}
    unused = [
        action
        for action in policy_actions(document)
        if moto_actions(action) and not set(moto_actions(action)) & checked
    ]
    assert unused == []
    reliability_figures.record(
        "policy",
        "summary",
        actions=len(policy_actions(document)),
        checked_as={action: list(moto_actions(action)) for action in policy_actions(document)},
        used={step: len(actions) for step, actions in needed.items()},
    )


def sweep(enforced, needed, removed: list[str]) -> None:
    """One user per removed moto action, all in the same runs of each step (a user goes on to the next step until
    its run fails). Each is refused its action, and no other, first in the first step that uses it; then its run
    fails with access denied, or fails later because of the refusal (a module that read the refusal as "nothing
    there"), or its re-run is no longer idempotent."""
    hosts = {}
    for action in removed:
        host = f"without-{action.replace(':', '-')}"
        hosts[host] = action
        enforced.add_user(host, moto_policy(policy_document(), without=action))
    remaining = list(hosts)
    refused_in: dict[str, str] = {}
    outcomes: dict[str, str] = {}
    for step in STEPS:
        # A user runs site.yml (the state the later steps need), each step that uses its action, and every step once
        # refused (to see what the refusal does). A step that does not use the action cannot be refused it (the
        # exact user's runs show what each step uses), so the user skips it.
        runners = [host for host in remaining if step == "site" or host in refused_in or hosts[host] in needed[step]]
        if not runners:
            continue
        run = enforced.run(step, runners)
        checks = enforced.endpoint.authorizations()
        for host in runners:
            refused = [
                check["action"] for check in checks
                if check["caller"] == enforced.profiles[host] and not check["allowed"]
                and check["action"] not in TOLERATED
            ]  # fmt: skip
            assert set(refused) <= {hosts[host]}, (host, refused)
            if refused:
                refused_in.setdefault(host, step)
            failures = host_failures(run, host)
            # verify.yml's last task fails every target once one cannot alarm: only a refused target counts.
            if host in run.failed_hosts and host in refused_in:
                if refused:
                    assert any(word in failures for word in DENIED), (host, hosts[host], step, failures)
                    outcomes[host] = f"{step} fails, access denied"
                else:
                    outcomes[host] = f"{step} fails: {failures.strip().splitlines()[0][:120]}"
            elif step == "site-again" and host in refused_in and run.changed[host] > 0:
                outcomes[host] = f"{step} changes again: not idempotent"
            if host in outcomes:
                remaining.remove(host)
    unneeded = [action for host, action in hosts.items() if host not in outcomes]
    assert unneeded == [], "refused, yet every step succeeded and the re-run changed nothing"
    for host, action in hosts.items():
        first_use = next(step for step in STEPS if action in needed[step])
        assert refused_in.get(host) == first_use, (action, refused_in.get(host))
        figures = {"removed": action, "failed_in": first_use, "outcome": outcomes[host]}
        reliability_figures.record("policy", f"without-{action}", **figures)


@pytest.mark.reliability
def test_removing_any_action_denies_the_run(enforced, needed):
    sweep(enforced, needed, list(moto_cases(policy_document())))
