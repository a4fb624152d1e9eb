# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``make demo``: the whole procedure on three regions of a local moto server, no AWS account needed.

1. start ``tests/support/moto_endpoint.py`` on a free port of 127.0.0.1;
2. ``ansible-playbook -i inventories/local site.yml`` (us-east-1, eu-west-1, ap-southeast-2);
3. the same again: must report 0 changed;
4. the same with ``--check --diff``: must report 0 changed;
5. a summary per region read back with boto3: trail, log group, filter, alarm and its state, topic, subscriptions;
6. ``playbooks/verify.yml``: the audit of every target proves the alarm can fire; the report (Markdown and HTML)
   goes to ``.build/demo-verify-report``;
7. stop the server, whatever happened (also on Ctrl-C). The exit status is non-zero on any failure.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# The test support code (moto endpoint, collection link) serves the demo too.
sys.path.insert(0, str(REPO_ROOT / "tests" / "support"))

from collection_link import collections_path  # noqa: E402
from moto_endpoint import TEST_CREDENTIALS  # noqa: E402
from moto_endpoint import MotoEndpoint  # noqa: E402
from moto_endpoint import start  # noqa: E402
from playbook_run import ANSIBLE_PLAYBOOK  # noqa: E402

INVENTORY = REPO_ROOT / "inventories" / "local"
CONSTANTS_FILE = REPO_ROOT / "plugins" / "module_utils" / "_kms_pending" / "constants.py"
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
REPORT_DIR = REPO_ROOT / ".build" / "demo-verify-report"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_RECAP = re.compile(
    r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)"
)


class DemoFailure(Exception):
    """A step of the demo did not give the expected result."""


def load_constants():
    """The procedure's values (filter, metric, alarm names) from their one place in the collection."""
    spec = importlib.util.spec_from_file_location("kms_pending_constants", CONSTANTS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def banner(text: str) -> None:
    print(f"\n{'=' * 100}\n== {text}\n{'=' * 100}", flush=True)


# --- the local endpoint -----------------------------------------------------------------------------------------


def start_endpoint(work_dir: Path) -> MotoEndpoint:
    # A session of its own: Ctrl-C in the terminal reaches this script, which stops the server itself.
    try:
        return start(work_dir, own_session=True)
    except RuntimeError as error:
        raise DemoFailure(str(error)) from error


def demo_environment(endpoint: MotoEndpoint) -> dict[str, str]:
    """Dummy credentials and every AWS call to the local endpoint; the user's own AWS settings stay out."""
    env = endpoint.aws_env()
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections_path()),
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_DISPLAY_SKIPPED_HOSTS="false",
    )
    if sys.stdout.isatty():
        env["ANSIBLE_FORCE_COLOR"] = "1"
    return env


# --- ansible-playbook runs --------------------------------------------------------------------------------------


def run_playbook(title: str, playbook: Path, env: dict[str, str], extra_args: list[str], quiet: bool) -> dict:
    """Run one playbook on inventories/local, echo its output, return the PLAY RECAP per host.

    ``quiet`` hides the ok tasks (changed and failed ones still show) so a no-change run stays short.
    """
    command = [str(ANSIBLE_PLAYBOOK), "-i", str(INVENTORY), str(playbook)]
    command += extra_args
    banner(f"{title}\n== $ {' '.join(_relative(part) for part in command)}")
    run_env = dict(env, ANSIBLE_DISPLAY_OK_HOSTS="false") if quiet else env
    started = time.monotonic()
    process = subprocess.Popen(
        command, env=run_env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    recap: dict[str, dict[str, int]] = {}
    for line in process.stdout:
        print(line, end="", flush=True)
        match = _RECAP.match(_ANSI.sub("", line))
        if match:
            recap[match["host"]] = {key: int(value) for key, value in match.groupdict().items() if key != "host"}
    rc = process.wait()
    print(f"-- {title}: rc={rc} in {time.monotonic() - started:.1f}s", flush=True)
    if rc != 0:
        raise DemoFailure(f"{title}: ansible-playbook exited with {rc}")
    if not recap:
        raise DemoFailure(f"{title}: no PLAY RECAP in the output")
    return recap


def _relative(part: str) -> str:
    try:
        return str(Path(part).relative_to(REPO_ROOT)) if part.startswith("/") else part
    except ValueError:
        return part


def expect_no_change(title: str, recap: dict) -> None:
    changed = {host: stats["changed"] for host, stats in recap.items() if stats["changed"]}
    if changed:
        raise DemoFailure(f"{title}: expected 0 changed, got {changed}")
    print(f"-- {title}: 0 changed on {len(recap)} targets, as expected", flush=True)


# --- the summary ------------------------------------------------------------------------------------------------


def region_summary(session, endpoint_url: str, region: str, constants) -> list[str]:
    """What the region has, read back with boto3, as lines for a person."""

    def client(service: str):
        return session.client(service, region_name=region, endpoint_url=endpoint_url)

    lines = [f"{region}:"]
    trails = client("cloudtrail").describe_trails(includeShadowTrails=True)["trailList"]
    for trail in trails:
        status = (
            client("cloudtrail").get_trail_status(Name=trail["TrailARN"]) if trail["HomeRegion"] == region else None
        )
        where = "multi-region" if trail.get("IsMultiRegionTrail") else "this region"
        home = "" if trail["HomeRegion"] == region else f", home {trail['HomeRegion']}"
        logging = "" if status is None else f", logging {'on' if status.get('IsLogging') else 'OFF'}"
        group = trail.get("CloudWatchLogsLogGroupArn", "-").split(":log-group:")[-1].removesuffix(":*")
        lines.append(f"  trail         {trail['Name']} ({where}{home}{logging}) -> log group {group}")
    if not trails:
        lines.append("  trail         none")

    logs = client("logs")
    filters = []
    for metric_name in (constants.METRIC_NAME, constants.CIS_METRIC_NAME):
        filters += logs.describe_metric_filters(metricName=metric_name, metricNamespace=constants.METRIC_NAMESPACE)[
            "metricFilters"
        ]
    for metric_filter in filters:
        group = logs.describe_log_groups(logGroupNamePrefix=metric_filter["logGroupName"])["logGroups"]
        retention = next(
            (g.get("retentionInDays") for g in group if g["logGroupName"] == metric_filter["logGroupName"]), None
        )
        lines.append(f"  log group     {metric_filter['logGroupName']} (retention {retention or 'never expires'} days)")
        lines.append(f"  filter        {metric_filter['filterName']}: {metric_filter['filterPattern']}")
    if not filters:
        lines.append("  filter        none in this region")

    alarms = client("cloudwatch").describe_alarms(AlarmTypes=["MetricAlarm"])["MetricAlarms"]
    ours = [
        alarm
        for alarm in alarms
        if alarm.get("Namespace") == constants.METRIC_NAMESPACE
        and alarm.get("MetricName") in (constants.METRIC_NAME, constants.CIS_METRIC_NAME)
    ]
    sns = client("sns")
    for alarm in ours:
        lines.append(
            f"  alarm         {alarm['AlarmName']}: {alarm['StateValue']} "
            f"({alarm['Statistic']} {alarm['ComparisonOperator']} {alarm['Threshold']:g} "
            f"over {alarm['Period']}s, missing data {alarm.get('TreatMissingData')})"
        )
        for topic_arn in alarm.get("AlarmActions", []):
            lines.append(f"  topic         {topic_arn}")
            subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
            for subscription in subscriptions:
                pending = subscription["SubscriptionArn"] == "PendingConfirmation"
                lines.append(
                    f"  subscription  {subscription['Protocol']} {subscription['Endpoint']} "
                    f"({'pending confirmation' if pending else 'confirmed'})"
                )
            if not subscriptions:
                lines.append("  subscription  none")
    if not ours:
        lines.append(
            "  alarm         none in this region (covered by the account's home region)"
            if any(t.get("IsMultiRegionTrail") for t in trails)
            else "  alarm         none"
        )
    return lines


def print_summary(endpoint_url: str, constants) -> None:
    import boto3

    banner("Summary, read back from the endpoint with boto3")
    session = boto3.session.Session(
        aws_access_key_id=TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    for region in REGIONS:
        print("\n".join(region_summary(session, endpoint_url, region, constants)), flush=True)


# --- main -------------------------------------------------------------------------------------------------------


def demo(work_dir: Path, args) -> None:
    constants = load_constants()
    banner("Starting a moto server on 127.0.0.1 (no AWS account, no traffic beyond loopback)")
    endpoint = start_endpoint(work_dir)
    try:
        print(f"moto server at {endpoint.url} (log: {endpoint.log_path})", flush=True)
        env = demo_environment(endpoint)
        site = REPO_ROOT / "site.yml"
        runs = {}
        runs["deploy"] = run_playbook("1. Deploy to 3 regions", site, env, [], quiet=False)
        runs["re-run"] = run_playbook("2. Deploy again (must report 0 changed)", site, env, [], quiet=not args.verbose)
        expect_no_change("2. re-run", runs["re-run"])
        runs["check"] = run_playbook(
            "3. Dry run with --check --diff (must report 0 changed)",
            site,
            env,
            ["--check", "--diff"],
            quiet=not args.verbose,
        )
        expect_no_change("3. --check --diff", runs["check"])
        print_summary(endpoint.url, constants)
        runs["verify"] = run_playbook(
            "4. Verify that the alarm can fire (audit of every target, report)",
            REPO_ROOT / "playbooks" / "verify.yml",
            env,
            ["-e", f"verify_report_dir={REPORT_DIR}"],
            quiet=False,
        )
        banner("PLAY RECAP of each run")
        for title, recap in runs.items():
            for host, stats in sorted(recap.items()):
                counts = "  ".join(f"{key}={value}" for key, value in stats.items())
                print(f"{title:8} {host:24} {counts}")
    finally:
        endpoint.stop()
        print(f"\nmoto server stopped (exit status {endpoint.process.returncode})", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="show every task of the re-runs too")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="kmsguard-demo-") as work_dir:
            demo(Path(work_dir), args)
    except DemoFailure as failure:
        print(f"\nDEMO FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr, flush=True)
        return 130
    print(
        f"\nDemo passed in {time.monotonic() - started:.0f}s: deployed, re-run with 0 changed, dry run with 0 changed, "
        "verified."
    )
    print(f"Verify report: {REPORT_DIR / 'verify-report.html'} (and verify-report.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
