# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Regenerate docs/images/verify-report.png: the verify report of a demo-like run, shot by headless Chromium.

    .venv/bin/python docs/verify_report_screenshot.py        # needs chromium (Debian: apt-get install chromium)

No AWS account is used and nothing leaves 127.0.0.1:

1. a moto server on a free port of 127.0.0.1 (tests/support/moto_endpoint.py);
2. ``playbooks/site.yml`` on ``inventories/local`` (three regions, account topology);
3. three KMS keys scheduled for deletion, and the alarm's missing-data setting changed by hand, so the report
   has keys to list and a finding to show;
4. ``playbooks/verify.yml``, its report written into a temporary directory;
5. ``chromium --headless --screenshot`` of the HTML report into docs/images/verify-report.png.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "support"))

from collection_link import collections_path  # noqa: E402

ENDPOINT_SCRIPT = REPO_ROOT / "tests" / "support" / "moto_endpoint.py"
INVENTORY = REPO_ROOT / "inventories" / "local"
OUTPUT = REPO_ROOT / "docs" / "images" / "verify-report.png"
ALARM = "KMSKeyPendingDeletionErrorAlarm"
# (region, alias, days until deletion)
KEYS = (("us-east-1", "payments-db", 7), ("eu-west-1", "legacy-archive", 12), ("ap-southeast-2", "old-backups", 28))


def start_endpoint(work_dir: Path) -> tuple[subprocess.Popen, str]:
    port_file = work_dir / "moto.port"
    with open(work_dir / "moto.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(ENDPOINT_SCRIPT), "--port-file", str(port_file)], stdout=log, stderr=log
        )
    deadline = time.monotonic() + 180
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"the moto server did not start, see {work_dir / 'moto.log'}")
        time.sleep(0.1)
    return process, f"http://127.0.0.1:{port_file.read_text().strip()}"


def environment(endpoint_url: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=endpoint_url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        ANSIBLE_COLLECTIONS_PATH=str(collections_path()),
        ANSIBLE_RETRY_FILES_ENABLED="false",
    )
    return env


def playbook(name: str, env: dict[str, str], *extra: str, expect_success: bool = True) -> None:
    command = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(INVENTORY)]
    command += [str(REPO_ROOT / "playbooks" / name), *extra]
    completed = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if expect_success and completed.returncode != 0:
        raise SystemExit(f"{name} failed:\n{completed.stdout[-4000:]}\n{completed.stderr[-2000:]}")


def prepare_account(endpoint_url: str) -> None:
    """Keys pending deletion, and a hand edit of the alarm (missing data treated as missing: a warning)."""
    import boto3

    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    for region, alias, days in KEYS:
        kms = session.client("kms", region_name=region, endpoint_url=endpoint_url)
        key_id = kms.create_key(Description=f"{alias} encryption key")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key_id)
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=days)
    cloudwatch = session.client("cloudwatch", region_name="us-east-1", endpoint_url=endpoint_url)
    alarm = cloudwatch.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]
    fields = ("AlarmName", "AlarmDescription", "ActionsEnabled", "AlarmActions", "MetricName", "Namespace")
    fields += ("Statistic", "Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator")
    cloudwatch.put_metric_alarm(**{name: alarm[name] for name in fields if name in alarm}, TreatMissingData="missing")


def screenshot(page: Path, output: Path, width: int, height: int) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        raise SystemExit("chromium not found: install it (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={output}",
            f"--window-size={width},{height}",
            page.as_uri(),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"PNG to write (default: {OUTPUT})")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1400)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        process, endpoint_url = start_endpoint(work_dir)
        try:
            env = environment(endpoint_url)
            playbook("site.yml", env)
            prepare_account(endpoint_url)
            report_dir = work_dir / "report"
            playbook("verify.yml", env, "-e", f"verify_report_dir={report_dir}")
            args.output.parent.mkdir(parents=True, exist_ok=True)
            screenshot(report_dir / "verify-report.html", args.output, args.width, args.height)
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
