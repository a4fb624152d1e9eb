# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The role under faults and interruptions: throttling and 503s, IAM propagation, a killed run, secrets in output.

Each run goes through the fault proxy (tests/support/fault_proxy.py) in front of the worker's moto server, which
records every call, injected or not. The heaviest cases are marked ``reliability`` (``make test-reliability``).
Every case writes its figures (tests/support/reliability_figures.py) for docs/reliability.md.
"""

from __future__ import annotations

import signal
import sys
import time
from dataclasses import replace
from pathlib import Path

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import PROTOCOL_PARSERS
from botocore.parsers import create_parser

import account_inventory
import fault_proxy
import process_tree
import reliability_figures
from aws_account import Account
from playbook_run import PlaybookRun as Run
from playbook_run import assert_check_mode_told_the_truth

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE = REPO_ROOT / "playbooks" / "site.yml"
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
EMAILS = ["security-team@example.com"]
THROTTLE_RATE = 0.20
UNAVAILABLE_RATE = 0.03
FAULT_SEEDS = (1, 2, 3, 4, 5)
# The seeds whose run also has --check --diff under the same faults, on the empty account before the deployment and on
# the converged account after it (the other seeds add deployments and re-runs).
CHECK_SEEDS = FAULT_SEEDS[:1]
# After the Nth write of a first deployment the run is killed. The account topology over 3 regions writes 18 times:
# CreateRole, PutRolePolicy, 6 bucket PUTs (bucket, versioning, public access block, policy, encryption,
# ownership), CreateLogGroup, PutRetentionPolicy, CreateTrail, StartLogging, CreateTopic, 2 SetTopicAttributes,
# Subscribe, PutMetricFilter, PutMetricAlarm. Each point leaves a different half-built chain.
KILL_POINTS = (1, 2, 3, 6, 9, 11, 12, 13, 16, 17)


@pytest.fixture
def proxied(account, ansible_playbook, moto_endpoint):
    """``proxied(proxy, hosts=REGIONS, check=False, started=None, extra_args=(), env=None, **role_vars)``: site.yml
    in the test's account, every AWS call through ``proxy``; the run's calls are the proxy's record of it."""

    def run(
        proxy: fault_proxy.FaultProxy,
        regions=REGIONS,
        check: bool = False,
        started=None,
        extra_args=(),
        env=None,
        playbook: Path = SITE,
        **role_vars,
    ) -> Run:
        group_vars = {"ansible_python_interpreter": sys.executable, "pending_deletion_alarm_emails": EMAILS}
        group_vars.update(role_vars)
        proxy.forget_calls()
        completed = ansible_playbook(
            playbook,
            hosts={f"target-{region}": {"aws_region": region} for region in regions},
            group_vars=group_vars,
            check=check,
            diff=check,
            extra_args=extra_args,
            env={**account.env, "AWS_ENDPOINT_URL": proxy.url, **(env or {})},
            started=started,
        )
        return replace(completed, calls=proxy.calls)

    return run


@pytest.fixture
def proxy_factory(moto_endpoint):
    """``proxy_factory(**options)``: a fault proxy in front of the worker's moto server, stopped after the test."""
    proxies = []

    def make(**options) -> fault_proxy.FaultProxy:
        proxies.append(fault_proxy.start(moto_endpoint.url, **options))
        return proxies[-1]

    yield make
    for proxy in proxies:
        proxy.stop()


def writes(run: Run) -> list[str]:
    """Every write the run attempted, including those the proxy answered itself."""
    return [call["operation"] for call in run.calls if call["write"]]


def assert_holds_exactly_the_chain(account: Account, topology: str) -> None:
    found = account_inventory.inventory(account, REGIONS)
    want = account_inventory.expected(account, REGIONS, topology, EMAILS)
    assert account_inventory.differences(found, want) == {}


# --- the proxy's error shapes are what botocore reads as throttling -----------------------------------------------


SERVICE_CALLS = [
    pytest.param("logs", lambda client: client.describe_log_groups(), "ThrottlingException", id="logs-json"),
    pytest.param("cloudtrail", lambda client: client.describe_trails(), "ThrottlingException", id="cloudtrail-json"),
    pytest.param("kms", lambda client: client.list_keys(), "ThrottlingException", id="kms-json"),
    pytest.param("sns", lambda client: client.list_topics(), "Throttling", id="sns-query"),
    pytest.param("iam", lambda client: client.list_roles(), "Throttling", id="iam-query"),
    pytest.param("sts", lambda client: client.get_caller_identity(), "Throttling", id="sts-query"),
    pytest.param(
        "cloudwatch", lambda client: client.describe_alarms(), "Throttling", id="cloudwatch-json-query-compat"
    ),
    pytest.param("s3", lambda client: client.list_buckets(), "SlowDown", id="s3-rest-xml"),
]


def proxy_client(service: str, proxy: fault_proxy.FaultProxy, attempts: int):
    config = Config(retries={"mode": "standard", "total_max_attempts": attempts})
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=proxy.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


@pytest.mark.parametrize(("service", "call", "code"), SERVICE_CALLS)
def test_injected_throttling_is_each_protocols_own_and_botocore_retries_it(proxy_factory, service, call, code):
    proxy = proxy_factory(throttle_rate=1.0)
    with pytest.raises(ClientError) as raised:
        call(proxy_client(service, proxy, attempts=3))
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["MaxAttemptsReached"]
    assert [call["injected"] for call in proxy.calls] == [fault_proxy.THROTTLING] * 3


@pytest.mark.parametrize(("service", "call", "code"), SERVICE_CALLS)
def test_injected_503_is_retried_and_a_clean_proxy_passes_calls_through(proxy_factory, service, call, code):
    first = proxy_factory(unavailable_rate=1.0)
    with pytest.raises(ClientError) as raised:
        call(proxy_client(service, first, attempts=2))
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert len(first.injected(fault_proxy.UNAVAILABLE)) == 2
    clean = proxy_factory()
    call(proxy_client(service, clean, attempts=1))
    assert [call["injected"] for call in clean.calls] == [None]


def test_a_cbor_throttling_answer_is_what_botocore_reads_for_rpc_v2_cbor():
    """botocore 1.44 sends CloudWatch over JSON; should it pick CloudWatch's smithy-rpc-v2-cbor, the proxy's CBOR
    answer must read as the same throttling error."""
    if "smithy-rpc-v2-cbor" not in PROTOCOL_PARSERS:
        pytest.skip(f"botocore {botocore.__version__} has no smithy-rpc-v2-cbor protocol, so no CBOR answer to read")
    shape = fault_proxy.RequestShape("rpc-v2-cbor", "application/cbor", query_compatible=True)
    status, headers, body = fault_proxy.error_answer(shape, "Throttling", "Rate exceeded", 400)
    parser = create_parser("smithy-rpc-v2-cbor")
    operation = botocore.session.get_session().get_service_model("cloudwatch").operation_model("DescribeAlarms")
    response = {"status_code": status, "headers": {name.lower(): value for name, value in headers}, "body": body}
    parsed = parser.parse(response, operation.output_shape)
    assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == ("Throttling", "Rate exceeded")


# --- converging under throttling and 503s -------------------------------------------------------------------------


@pytest.mark.reliability
@pytest.mark.parametrize("topology", ["account", "regional"])
@pytest.mark.parametrize("seed", FAULT_SEEDS)
def test_site_converges_under_throttling_and_503s(proxied, proxy_factory, account, topology, seed):
    """The deployment converges despite the faults, a clean re-run changes nothing, and the account holds exactly one
    of everything; --check (CHECK_SEEDS) writes nothing on the empty and on the converged account, and on the empty
    one reports the deployment's changes."""
    proxy = proxy_factory(throttle_rate=THROTTLE_RATE, unavailable_rate=UNAVAILABLE_RATE, seed=seed)
    dry_runs = []

    if seed in CHECK_SEEDS:
        dry_runs.append(proxied(proxy, check=True, pending_deletion_alarm_topology=topology))
        assert dry_runs[-1].rc == 0, dry_runs[-1].explain()
        assert writes(dry_runs[-1]) == [], dry_runs[-1].explain()

    applied = proxied(proxy, pending_deletion_alarm_topology=topology)
    assert applied.rc == 0, applied.explain()
    if dry_runs:
        assert_check_mode_told_the_truth(dry_runs[0], applied)
    injected = [call for call in applied.calls if call["injected"]]

    proxy.injector.throttle_rate = proxy.injector.unavailable_rate = 0.0
    rerun = proxied(proxy, pending_deletion_alarm_topology=topology)
    assert rerun.rc == 0, rerun.explain()
    assert set(rerun.changed.values()) == {0}, rerun.explain()
    assert writes(rerun) == [], rerun.explain()
    assert_holds_exactly_the_chain(account, topology)

    if seed in CHECK_SEEDS:
        proxy.injector.throttle_rate, proxy.injector.unavailable_rate = THROTTLE_RATE, UNAVAILABLE_RATE
        dry_runs.append(proxied(proxy, check=True, pending_deletion_alarm_topology=topology))
        assert dry_runs[-1].rc == 0, dry_runs[-1].explain()
        assert set(dry_runs[-1].changed.values()) == {0}, dry_runs[-1].explain()
        assert writes(dry_runs[-1]) == [], dry_runs[-1].explain()

    dry_run_calls = [call for run in dry_runs for call in run.calls]
    reliability_figures.record(
        "faults",
        f"{topology}-seed{seed}",
        topology=topology,
        seed=seed,
        calls=len(applied.calls) + len(dry_run_calls),
        throttled=sum(call["injected"] == fault_proxy.THROTTLING for call in injected + dry_run_calls),
        unavailable=sum(call["injected"] == fault_proxy.UNAVAILABLE for call in injected + dry_run_calls),
        injected=len(injected) + len([call for call in dry_run_calls if call["injected"]]),
        check_mode_runs=len(dry_runs),
        check_mode_writes=sum(len(writes(run)) for run in dry_runs),
        rerun_changed=sum(rerun.changed.values()),
        rerun_writes=len(writes(rerun)),
        seconds=round(applied.seconds, 1),
    )


# --- IAM propagation: CreateTrail refuses a delivery role it cannot assume yet -----------------------------------


ROLE_NOT_PROPAGATED = fault_proxy.Fault(
    "CreateTrail",
    "InvalidCloudWatchLogsRoleArnException",
    "Access denied. Verify in IAM that the role has adequate permissions.",
)


def test_trail_waits_for_the_delivery_role_to_propagate(proxied, proxy_factory, account):
    proxy = proxy_factory(faults=[replace(ROLE_NOT_PROPAGATED, times=3)])
    applied = proxied(proxy, regions=REGIONS[:1], pending_deletion_alarm_trail_retry_delay=1)
    assert applied.rc == 0, applied.explain()
    attempts = [call["injected"] for call in applied.calls if call["operation"] == "CreateTrail"]
    assert attempts == ["InvalidCloudWatchLogsRoleArnException"] * 3 + [None], applied.explain()
    reliability_figures.record("propagation", "retried", refusals=3, attempts=len(attempts), rc=applied.rc)


def test_a_delivery_role_that_never_works_fails_with_the_reason(proxied, proxy_factory, account):
    proxy = proxy_factory(faults=[ROLE_NOT_PROPAGATED])
    failed = proxied(
        proxy, regions=REGIONS[:1], pending_deletion_alarm_trail_retries=2, pending_deletion_alarm_trail_retry_delay=0
    )
    assert failed.rc != 0
    attempts = [call for call in failed.calls if call["operation"] == "CreateTrail"]
    assert len(attempts) == 3, failed.explain()
    assert "InvalidCloudWatchLogsRoleArnException" in failed.failure_messages(), failed.explain()
    assert "Verify in IAM that the role has adequate permissions" in failed.failure_messages(), failed.explain()
    reliability_figures.record("propagation", "permanent", refusals=len(attempts), attempts=len(attempts), rc=failed.rc)


# --- a run killed at any write: a plain re-run converges ---------------------------------------------------------


@pytest.mark.reliability
@pytest.mark.parametrize("kill_after", KILL_POINTS)
def test_a_killed_first_deployment_converges_on_rerun(proxied, proxy_factory, account, kill_after):
    """SIGKILL to the whole run (ansible-playbook, its workers, the module) right after the Nth write reached AWS,
    before the module saw the answer. ``--check`` on what the killed run left predicts the re-run's changes."""
    run: dict[str, int] = {}
    killed_at: list[int] = []

    def kill(done: int) -> None:
        if done == kill_after and "pid" in run:
            killed_at.append(done)
            process_tree.kill_tree(run["pid"])

    proxy = proxy_factory(after_write=kill)
    interrupted = proxied(proxy, started=lambda pid: run.update(pid=pid))
    assert interrupted.rc == -signal.SIGKILL, interrupted.explain()
    assert killed_at == [kill_after]
    time.sleep(1)  # anything of the killed run still alive would call now
    calls_after_kill = len(proxy.calls) - len(interrupted.calls)
    assert calls_after_kill == 0
    done_before_kill = writes(interrupted)

    proxy.injector.after_write = None
    checked = proxied(proxy, check=True)
    assert checked.rc == 0, checked.explain()
    assert checked.writes == [], checked.explain()
    rerun = proxied(proxy)
    assert rerun.rc == 0, rerun.explain()
    assert_check_mode_told_the_truth(checked, rerun)
    assert_holds_exactly_the_chain(account, "account")
    reliability_figures.record(
        "kills",
        f"after-write-{kill_after:02d}",
        kill_after=kill_after,
        last_write=done_before_kill[-1],
        calls_after_kill=calls_after_kill,
        rerun_rc=rerun.rc,
        rerun_changed=sum(rerun.changed.values()),
        check_changed=sum(checked.changed.values()),
        check_writes=len(checked.writes),
    )


# --- no secret in the output, with -vvv -------------------------------------------------------------------------

VERIFY = REPO_ROOT / "playbooks" / "verify.yml"


def credentials_from(source: str, account: Account, home: Path) -> tuple[dict[str, str], dict]:
    """The environment and host variables that give the run ``account``'s credentials from ``source``: the
    environment with an assumed role on top (``aws_assume_role_arn``), or a profile of a shared credentials file."""
    if source == "environment":
        return {}, {"aws_assume_role_arn": account.deployer_role_arn}
    credentials_file = home / ".aws" / "credentials"
    credentials_file.parent.mkdir()
    credentials_file.write_text(
        f"[kmsguard]\naws_access_key_id = {account.credentials['AccessKeyId']}\n"
        f"aws_secret_access_key = {account.credentials['SecretAccessKey']}\n"
        f"aws_session_token = {account.credentials['SessionToken']}\n"
    )
    # Empty credential variables count as unset for botocore: only the profile gives credentials.
    unset = dict.fromkeys(("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"), "")
    return {**unset, "AWS_SHARED_CREDENTIALS_FILE": str(credentials_file)}, {"aws_profile": "kmsguard"}


@pytest.mark.parametrize("source", ["environment", "profile"])
def test_no_secret_in_verbose_output_or_files(proxied, proxy_factory, account, tmp_path, source):
    """Environment credentials and an assumed role's (aws_assume_role_arn), or a profile's: neither a secret key nor
    a session token appears in the -vvv output of site.yml and verify.yml, or in any file written under the run's
    home and temporary directories, the verify report among them."""
    proxy = proxy_factory()
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "ANSIBLE_LOCAL_TEMP": str(home / "tmp"), "ANSIBLE_REMOTE_TEMP": str(home / "tmp")}
    credential_env, credential_vars = credentials_from(source, account, home)
    env.update(credential_env, ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default")
    # verify.yml's play sets verify_report_dir: only an extra variable overrides it.
    options = ["-vvv", "-e", f"verify_report_dir={home / 'report'}"]
    runs = [
        proxied(proxy, regions=REGIONS[:1], playbook=playbook, extra_args=options, env=env, **credential_vars)
        for playbook in (SITE, VERIFY)
    ]
    for run in runs:
        assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    secrets = {
        account.credentials["SecretAccessKey"],
        account.credentials["SessionToken"],
        *proxy.injector.secrets_seen,
    }
    if source == "environment":
        assert len(secrets) >= 4, "the assumed role's secret key and session token must be among the secrets checked"
    written = [path for path in home.rglob("*") if path.is_file() and path != home / ".aws" / "credentials"]
    assert any(path.name == "verify-report.html" for path in written)
    leaks = [
        (where, secret[:6])
        for where, text in [(f"stdout {run.seconds}", run.stdout) for run in runs]
        + [(f"stderr {run.seconds}", run.stderr) for run in runs]
        + [(str(path), path.read_text(errors="replace")) for path in written]
        for secret in secrets
        if secret in text
    ]
    assert leaks == []
    reliability_figures.record(
        "secrets", f"vvv-{source}", secrets_checked=len(secrets), files_checked=len(written), leaks=len(leaks)
    )
