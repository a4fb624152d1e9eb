# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Side-by-side benchmark: the role kmsguard.alarms.pending_deletion_alarm against a plain amazon.aws playbook.

``make bench`` runs this script. It starts one moto server on 127.0.0.1 (tests/support/moto_endpoint.py, which
records every AWS call it answers), converges both sides over 16 regions, then times the no-change run of each
side over 1 and 16 regions (forks 16), alternating baseline and role for several rounds, and counts the AWS API
calls of every run. It prints a table and writes docs/benchmarks.md.

The two sides run in different moto accounts (the baseline through an STS assumed role), so each can use the
procedure's own resource names without touching the other's.

The benchmark reports; it does not judge a ratio. It fails when a run fails or when the role's no-change run
reports a change; a baseline that is not idempotent is reported as a finding, not an error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
MOTO_ENDPOINT_SCRIPT = REPO_ROOT / "tests" / "support" / "moto_endpoint.py"
BASELINE_PLAYBOOK = REPO_ROOT / "benchmarks" / "baseline.yml"
ROLE_DIR = REPO_ROOT / "roles" / "pending_deletion_alarm"
CALLS_PATH = "/_kmsguard/calls"
# 16 real AWS regions, in the order a 1..16-region inventory takes them.
REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
    "eu-north-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-south-1",
    "ca-central-1", "sa-east-1",
)  # fmt: skip
# The role runs in moto's default account, the baseline in this one: same resource names, no collisions.
BASELINE_ACCOUNT = "111111111111"
ROLE_NAME_PREFIX = "kmsbench"
BASELINE_NAME_PREFIX = "kmsbaseline"
EMAILS = ["security@example.com"]
SIDES = ("baseline", "role")
AWS_COLLECTIONS = ("amazon.aws.", "community.aws.", "kmsguard.alarms.")
_READ_OPERATION = re.compile(r"^(Describe|Get|List|Head|Lookup|Test|GET |HEAD )")


# ----------------------------------------------------------------------------------------------------------------
# The moto endpoint


class MotoEndpoint:
    """One moto server on a free loopback port, with its call record."""

    def __init__(self, work_dir: Path) -> None:
        port_file = work_dir / "moto.port"
        self.log_path = work_dir / "moto.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(MOTO_ENDPOINT_SCRIPT), "--port-file", str(port_file)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"moto endpoint did not start, see {self.log_path}")
            time.sleep(0.1)
        self.url = f"http://127.0.0.1:{port_file.read_text().strip()}"

    def calls(self) -> list[dict]:
        with urllib.request.urlopen(self.url + CALLS_PATH) as response:
            return json.load(response)

    def forget_calls(self) -> None:
        urllib.request.urlopen(urllib.request.Request(self.url + CALLS_PATH, method="DELETE")).close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def assumed_role_credentials(endpoint_url: str, account_id: str) -> dict[str, str]:
    """Credentials of another moto account: moto maps the keys of an assumed role to the role's account."""
    import boto3

    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    role_arn = f"arn:aws:iam::{account_id}:role/kmsguard-benchmark"
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="benchmark", DurationSeconds=43200)["Credentials"]
    return {
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
    }


# ----------------------------------------------------------------------------------------------------------------
# Playbooks, inventories, runs


def write_inventory(path: Path, regions: tuple[str, ...]) -> Path:
    hosts = {region: {"aws_region": region} for region in regions}
    inventory = {"all": {"hosts": hosts, "vars": {"ansible_connection": "local"}}}
    path.write_text(yaml.safe_dump(inventory, sort_keys=False))
    return path


def write_role_playbook(path: Path) -> Path:
    play = {
        "name": "KMS key pending deletion alarm, role kmsguard.alarms.pending_deletion_alarm",
        "hosts": "all",
        "connection": "local",
        "gather_facts": False,
        "roles": [
            {
                "role": "kmsguard.alarms.pending_deletion_alarm",
                "vars": {
                    "pending_deletion_alarm_topology": "regional",
                    "pending_deletion_alarm_emails": EMAILS,
                    "pending_deletion_alarm_name_prefix": ROLE_NAME_PREFIX,
                },
            }
        ],
    }
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    return path


@dataclass
class Run:
    side: str
    regions: int
    seconds: float
    calls: list[dict]
    report: dict

    @property
    def changed(self) -> int:
        return sum(host.get("changed", 0) for host in self.report.get("stats", {}).values())

    @property
    def tasks(self) -> int:
        return sum(len(play.get("tasks", [])) for play in self.report.get("plays", []))

    def host_results(self):
        for play in self.report.get("plays", []):
            for task in play.get("tasks", []):
                yield from task.get("hosts", {}).values()

    @property
    def aws_module_runs(self) -> int:
        """Module executions that talk to AWS (the costly part of a task: a process per host)."""
        return sum(
            1 for result in self.host_results() if not result.get("skipped") and is_aws_action(result.get("action", ""))
        )

    def hosts_run(self) -> dict[str, tuple[str, int]]:
        """Per task name: its action and on how many hosts it was not skipped."""
        ran: dict[str, tuple[str, int]] = {}
        for play in self.report.get("plays", []):
            for task in play.get("tasks", []):
                results = task.get("hosts", {}).values()
                actions = {r.get("action", "") for r in results} - {""}
                action, hosts = ran.get(task["task"]["name"], ("", 0))
                hosts += sum(1 for r in results if not r.get("skipped"))
                ran[task["task"]["name"]] = (action or ", ".join(sorted(actions)), hosts)
        return ran

    def task_seconds(self) -> Counter:
        """Wall time of each task (first host start to last host end), by task name."""
        durations: Counter = Counter()
        for play in self.report.get("plays", []):
            for task in play.get("tasks", []):
                duration = task["task"].get("duration", {})
                if duration.get("start") and duration.get("end"):
                    durations[task["task"]["name"]] += _iso_seconds(duration["end"]) - _iso_seconds(duration["start"])
        return durations

    def changed_tasks(self) -> list[str]:
        return sorted(
            {
                f"{task['task']['name']} [{host}]"
                for play in self.report.get("plays", [])
                for task in play.get("tasks", [])
                for host, result in task.get("hosts", {}).items()
                if result.get("changed")
            }
        )


def _iso_seconds(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


@dataclass
class Side:
    name: str
    playbook: Path
    env: dict[str, str]
    runs: dict[int, list[Run]] = field(default_factory=dict)


class BenchmarkError(RuntimeError):
    pass


def run_playbook(
    side: Side, inventory: Path, regions: int, forks: int, endpoint: MotoEndpoint, work_dir: Path, label: str
) -> Run:
    command = [shutil.which("ansible-playbook", path=str(Path(sys.executable).parent)) or "ansible-playbook"]
    command += ["-i", str(inventory), "--forks", str(forks), str(side.playbook)]
    endpoint.forget_calls()
    started = time.perf_counter()
    completed = subprocess.run(command, env=side.env, cwd=work_dir, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    calls = endpoint.calls()
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        report = {}
    if completed.returncode != 0:
        log = work_dir / f"failed-{side.name}-{regions}.log"
        log.write_text(completed.stdout + "\n" + completed.stderr)
        raise BenchmarkError(f"{side.name} over {regions} region(s) failed (rc={completed.returncode}), see {log}")
    run = Run(side.name, regions, seconds, calls, report)
    (work_dir / f"report-{side.name}-{regions}-{label}.json").write_text(json.dumps({"calls": calls, "report": report}))
    return run


def ansible_env(endpoint_url: str, credentials: dict[str, str], collections: Path) -> dict[str, str]:
    """A neutral environment: no user AWS or Ansible settings leak in, every AWS call goes to the endpoint."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update(credentials)
    env.update(
        AWS_ENDPOINT_URL=endpoint_url,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        ANSIBLE_COLLECTIONS_PATH=str(collections),
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_NOCOLOR="1",
    )
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def collections_path() -> Path:
    """A collections tree in which this checkout is ``kmsguard.alarms`` (the Makefile makes the same link)."""
    tree = REPO_ROOT / ".build" / "collections"
    link = tree / "ansible_collections" / "kmsguard" / "alarms"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(REPO_ROOT, target_is_directory=True)
    return tree


# ----------------------------------------------------------------------------------------------------------------
# Numbers


def is_aws_action(action: str) -> bool:
    return action.startswith(AWS_COLLECTIONS)


def is_read(operation: str) -> bool:
    return bool(_READ_OPERATION.match(operation))


def operation_name(call: dict) -> str:
    """``service:Operation``; S3 REST calls are named by method only (the bucket name is per region)."""
    operation = call["operation"]
    if call["service"] == "s3" and " " in operation:
        operation = operation.split(" ", 1)[0] + " bucket"
    return f"{call['service']}:{operation}"


@dataclass
class Summary:
    side: str
    regions: int
    median: float
    minimum: float
    calls: int
    reads: int
    writes: int
    tasks: int
    module_runs: int
    changed: list[int]

    @classmethod
    def of(cls, runs: list[Run]) -> Summary:
        times = [run.seconds for run in runs]
        last = runs[-1]
        reads = sum(1 for call in last.calls if is_read(call["operation"]))
        return cls(
            side=last.side,
            regions=last.regions,
            median=statistics.median(times),
            minimum=min(times),
            calls=len(last.calls),
            reads=reads,
            writes=len(last.calls) - reads,
            tasks=last.tasks,
            module_runs=last.aws_module_runs,
            changed=[run.changed for run in runs],
        )


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}x" if denominator else "n/a"


def results_table(sides: dict[str, Side], region_counts: list[int]) -> list[str]:
    header = (
        "| regions | side | wall median (s) | wall min (s) | API calls | reads / writes | tasks | AWS module runs "
        "| changed |"
    )
    lines = [header, "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for count in region_counts:
        summaries = {name: Summary.of(side.runs[count]) for name, side in sides.items() if side.runs.get(count)}
        for name, summary in summaries.items():
            lines.append(
                f"| {count} | {name} | {summary.median:.1f} | {summary.minimum:.1f} | {summary.calls} | "
                f"{summary.reads} / {summary.writes} | {summary.tasks} | {summary.module_runs} | "
                f"{max(summary.changed)} |"
            )
        if len(summaries) == 2:
            base, role = summaries["baseline"], summaries["role"]
            lines.append(
                f"| {count} | **role / baseline** | **{ratio(role.median, base.median)}** | "
                f"{ratio(role.minimum, base.minimum)} | **{ratio(role.calls, base.calls)}** | "
                f"{ratio(role.reads, base.reads)} / {ratio(role.writes, base.writes)} | "
                f"{ratio(role.tasks, base.tasks)} | {ratio(role.module_runs, base.module_runs)} | |"
            )
    return lines


def operations_table(sides: dict[str, Side], count: int) -> list[str]:
    counters = {name: Counter(operation_name(c) for c in side.runs[count][-1].calls) for name, side in sides.items()}
    names = list(counters)
    operations = sorted(set().union(*counters.values()), key=lambda op: (-sum(c[op] for c in counters.values()), op))
    lines = ["| service:operation | kind | " + " | ".join(names) + " |", "| --- | --- |" + " ---: |" * len(names)]
    for operation in operations:
        kind = "read" if is_read(operation.split(":", 1)[1]) else "write"
        lines.append(f"| {operation} | {kind} | " + " | ".join(str(counters[n][operation]) for n in names) + " |")
    lines.append("| **total** | | " + " | ".join(f"**{sum(counters[n].values())}**" for n in names) + " |")
    return lines


def task_table(side: Side, count: int, limit: int = 12) -> list[str]:
    """Per-task wall time, median over the rounds, slowest first."""
    per_task: dict[str, list[float]] = {}
    for run in side.runs[count]:
        for name, seconds in run.task_seconds().items():
            per_task.setdefault(name, []).append(seconds)
    ran_on = side.runs[count][-1].hosts_run()
    total = sum(statistics.median(v) for v in per_task.values())
    ranked = sorted(per_task.items(), key=lambda item: -statistics.median(item[1]))
    lines = ["| task | action | hosts run | wall (s) | share |", "| --- | --- | ---: | ---: | ---: |"]
    for name, values in ranked[:limit]:
        median = statistics.median(values)
        action, hosts = ran_on.get(name, ("", 0))
        short_name = name.split(" : ", 1)[-1]
        lines.append(f"| {short_name} | {action} | {hosts} | {median:.2f} | {100 * median / total:.0f}% |")
    if len(ranked) > limit:
        rest = sum(statistics.median(v) for _task, v in ranked[limit:])
        lines.append(f"| ({len(ranked) - limit} more tasks) | | | {rest:.2f} | {100 * rest / total:.0f}% |")
    return lines


# ----------------------------------------------------------------------------------------------------------------
# The report


def collection_version(name: str) -> str:
    import ansible_collections

    for root in ansible_collections.__path__:
        manifest = Path(root) / name.replace(".", "/") / "MANIFEST.json"
        if manifest.exists():
            return json.loads(manifest.read_text())["collection_info"]["version"]
    return "unknown"


def git_commit() -> str:
    return subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()


def machine_lines(load: tuple[float, float], commit: str) -> list[str]:
    from ansible.release import __version__ as ansible_core_version
    from moto import __version__ as moto_version

    galaxy = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())
    return [
        f"- CPU cores: {os.cpu_count()} ({platform.machine()}, {platform.system()} {platform.release()})",
        f"- Python {platform.python_version()}, ansible-core {ansible_core_version}, "
        f"amazon.aws {collection_version('amazon.aws')}, community.aws {collection_version('community.aws')}, "
        f"moto {moto_version}",
        f"- kmsguard.alarms {galaxy['version']}" + (f" (commit {commit})" if commit else ""),
        f"- 1-minute load average at start / end: {load[0]:.1f} / {load[1]:.1f} (other work on the machine shows "
        "up in the wall times; the call counts do not depend on it)",
    ]


def report(sides: dict[str, Side], region_counts: list[int], args: argparse.Namespace, elapsed: float) -> str:
    largest = max(region_counts)
    findings = findings_lines(sides, region_counts)
    lines = [
        "# Benchmark: the role against a plain amazon.aws playbook",
        "",
        "`make bench` (`tools/bench.py`) compares the no-change run of the role",
        "`kmsguard.alarms.pending_deletion_alarm` (`pending_deletion_alarm_topology: regional`) with",
        "[`benchmarks/baseline.yml`](../benchmarks/baseline.yml), the playbook a user would write with amazon.aws",
        "and community.aws alone for the same procedure in every region. The no-change run is what a scheduled",
        "compliance run (AWX job template, cron) costs day after day.",
        "",
        "## Machine",
        "",
        *args.machine,
        "",
        "## Method",
        "",
        "- One local moto server on 127.0.0.1 answers every AWS call and records it (service, operation, region).",
        "  Absolute times are for moto on loopback; real AWS adds network latency to every call, so the API call",
        "  counts matter at least as much as the wall times.",
        "- The two sides run in different moto accounts, so both use the procedure's resource names.",
        f"- Inventories: 1 and {largest} real region names, one host per region, `connection: local`, "
        f"`--forks {args.forks}`.",
        f"- Both sides are converged over {largest} regions first; then each no-change run is timed, alternating",
        f"  baseline and role (and which goes first) for {args.rounds} round(s). Wall time is the whole",
        "  `ansible-playbook` process; median and minimum over the rounds.",
        "- API calls are those of the last round's run (they are the same in every no-change run); reads are",
        "  `Describe*`, `Get*`, `List*`, `Head*` and S3 `GET`/`HEAD`, everything else is a write.",
        "- A no-change run that reports `changed` fails the benchmark for the role; for the baseline it is noted.",
        "",
        "## Results",
        "",
        *results_table(sides, region_counts),
        "",
        f"### API calls per operation, {largest}-region no-change run",
        "",
        *operations_table(sides, largest),
        "",
    ]
    for name, side in sides.items():
        lines += [f"### Slowest tasks, {name}, {largest}-region no-change run", "", *task_table(side, largest), ""]
    lines += [
        "## Notes",
        "",
        *findings,
        "",
        f"Full run: {elapsed / 60:.1f} min. Reproduce with `make bench`; "
        "`.venv/bin/python tools/bench.py --rounds 1 --regions 1,4` is a quick run.",
        "",
    ]
    return "\n".join(lines)


def task_kind(action: str, hosts: int) -> str:
    if hosts == 0:
        return "skipped on every host"
    if not is_aws_action(action):
        return "controller-only (no AWS call)"
    return "AWS module on one host" if hosts == 1 else "AWS module on every target"


def time_by_kind(side: Side, count: int) -> dict[str, tuple[int, float]]:
    """Tasks and their median wall time, grouped by what they cost: AWS module runs, controller work, skips."""
    ran_on = side.runs[count][-1].hosts_run()
    per_task: dict[str, list[float]] = {}
    for run in side.runs[count]:
        for name, seconds in run.task_seconds().items():
            per_task.setdefault(name, []).append(seconds)
    kinds: dict[str, tuple[int, float]] = {}
    for name, values in per_task.items():
        kind = task_kind(*ran_on.get(name, ("", 0)))
        tasks, seconds = kinds.get(kind, (0, 0.0))
        kinds[kind] = (tasks + 1, seconds + statistics.median(values))
    return kinds


def profile_lines(side: Side, count: int) -> list[str]:
    kinds = time_by_kind(side, count)
    total = sum(seconds for _count, seconds in kinds.values()) or 1.0
    parts = [
        f"{tasks} {kind} {seconds:.1f} s ({100 * seconds / total:.0f}%)"
        for kind, (tasks, seconds) in sorted(kinds.items(), key=lambda item: -item[1][1])
    ]
    services = Counter(call["service"] for call in side.runs[count][-1].calls)
    calls = sum(services.values()) or 1
    top = ", ".join(f"{service} {n} ({100 * n / calls:.0f}%)" for service, n in services.most_common(4))
    return [
        f"- {side.name}, {count} regions, where the time goes (task wall time, median): " + "; ".join(parts) + ".",
        f"- {side.name}, {count} regions, API calls by service: {top}.",
    ]


def findings_lines(sides: dict[str, Side], region_counts: list[int]) -> list[str]:
    notes = []
    largest = max(region_counts)
    for name, side in sides.items():
        for count in region_counts:
            changed = sorted({task for run in side.runs[count] for task in run.changed_tasks()})
            if changed:
                notes.append(
                    f"- The {name}'s no-change run over {count} region(s) is not idempotent: it reports changes in "
                    + ", ".join(f"`{task}`" for task in changed[:6])
                    + (" ..." if len(changed) > 6 else "")
                    + "."
                )
    if "role" not in sides:
        notes.append(
            "- The role `kmsguard.alarms.pending_deletion_alarm` is not in this checkout yet: only the baseline was "
            "measured."
        )
    elif "baseline" in sides:
        base, role = Summary.of(sides["baseline"].runs[largest]), Summary.of(sides["role"].runs[largest])
        notes.append(
            f"- {largest} regions: the role takes {ratio(role.median, base.median)} the baseline's wall time and makes "
            f"{role.calls} API calls against the baseline's {base.calls} ({ratio(role.calls, base.calls)})."
        )
    base_summary = Summary.of(sides["baseline"].runs[largest]) if "baseline" in sides else None
    if base_summary:
        notes.append(
            f"- The baseline runs {base_summary.tasks} tasks; over {largest} regions its no-change run makes "
            f"{base_summary.calls} calls, {base_summary.calls / largest:.1f} per region, {base_summary.writes} of "
            "them writes."
        )
    for side in sides.values():
        notes += profile_lines(side, largest)
    return notes


# ----------------------------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed no-change runs per side and inventory (3)")
    parser.add_argument(
        "--regions",
        default=f"1,{len(REGIONS)}",
        help=f"comma-separated region counts to time, each 1..{len(REGIONS)} (default: 1,{len(REGIONS)})",
    )
    parser.add_argument("--forks", type=int, default=16, help="ansible-playbook --forks (16)")
    parser.add_argument(
        "--sides",
        default="baseline,role",
        help="comma-separated sides to run: baseline, role (default: both; the role only once it exists)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO_ROOT / "docs" / "benchmarks.md",
        help="Markdown report to write (default: docs/benchmarks.md); '-' writes none",
    )
    parser.add_argument(
        "--collections-path",
        type=Path,
        help="collections path holding the kmsguard.alarms to measure (default: this checkout, via .build/collections)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the work directory: inventories, playbooks, each run's JSON report and API calls (to profile)",
    )
    args = parser.parse_args(argv)
    args.region_counts = sorted({int(n) for n in args.regions.split(",")})
    if not all(1 <= n <= len(REGIONS) for n in args.region_counts):
        parser.error(f"--regions: each count must be within 1..{len(REGIONS)}")
    args.sides = [s for s in SIDES if s in args.sides.split(",")]
    if not args.sides or args.rounds < 1:
        parser.error("need at least one side and one round")
    return args


def log(message: str) -> None:
    print(message, flush=True)


def converge(side: Side, inventory: Path, regions: int, args, endpoint: MotoEndpoint, work_dir: Path) -> None:
    run = run_playbook(side, inventory, regions, args.forks, endpoint, work_dir, "converge")
    log(f"  converged {side.name} over {regions} region(s): {run.seconds:.1f} s, {run.changed} changed")


def time_rounds(sides: dict[str, Side], inventories: dict[int, Path], args, endpoint, work_dir) -> None:
    order = list(sides)
    for round_number in range(1, args.rounds + 1):
        for count in args.region_counts:
            for name in order:
                run = run_playbook(
                    sides[name], inventories[count], count, args.forks, endpoint, work_dir, f"round{round_number}"
                )
                sides[name].runs.setdefault(count, []).append(run)
                log(
                    f"  round {round_number}, {count:2d} region(s), {name:8s}: {run.seconds:6.1f} s, "
                    f"{len(run.calls):4d} API calls, {run.changed} changed"
                )
                if run.changed and name == "role":
                    raise BenchmarkError(
                        f"the role's no-change run over {count} region(s) changed: {', '.join(run.changed_tasks())}"
                    )
            order.reverse()


def _interrupted(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Stop cleanly on SIGTERM/SIGINT too: the running playbook is killed and the moto server stopped.
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    if "role" in args.sides and not args.collections_path and not (ROLE_DIR / "tasks" / "main.yml").exists():
        log(f"note: {ROLE_DIR.relative_to(REPO_ROOT)} does not exist yet: measuring the baseline only")
        args.sides = [s for s in args.sides if s != "role"]
        if not args.sides:
            return 1
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    args.commit = git_commit()
    work_dir = Path(tempfile.mkdtemp(prefix="kmsguard-bench-"))
    endpoint = MotoEndpoint(work_dir)
    try:
        collections = args.collections_path or collections_path()
        role_env = ansible_env(
            endpoint.url, {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}, collections
        )
        baseline_env = ansible_env(endpoint.url, assumed_role_credentials(endpoint.url, BASELINE_ACCOUNT), collections)
        largest = max(args.region_counts)
        inventories = {n: write_inventory(work_dir / f"inventory-{n}.yml", REGIONS[:n]) for n in args.region_counts}
        all_sides = {
            "baseline": Side("baseline", BASELINE_PLAYBOOK, baseline_env),
            "role": Side("role", write_role_playbook(work_dir / "role.yml"), role_env),
        }
        sides = {name: all_sides[name] for name in args.sides}
        log(f"moto endpoint {endpoint.url}; work dir {work_dir}")
        log(f"converging over {largest} region(s)")
        for side in sides.values():
            converge(side, inventories[largest], largest, args, endpoint, work_dir)
        log(f"timing no-change runs: {args.rounds} round(s) over {args.region_counts} region(s)")
        time_rounds(sides, inventories, args, endpoint, work_dir)
    except BenchmarkError as error:
        log(f"error: {error}")
        return 1
    finally:
        endpoint.stop()
    elapsed = time.perf_counter() - started
    args.machine = machine_lines((load_at_start, os.getloadavg()[0]), args.commit)
    log("")
    log("\n".join(results_table(sides, args.region_counts)))
    log("")
    log("\n".join(findings_lines(sides, args.region_counts)))
    if str(args.output) != "-":
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report(sides, args.region_counts, args, elapsed))
        log(f"\nwrote {args.output}")
    log(f"benchmark took {elapsed / 60:.1f} min")
    if args.keep:
        log(f"kept {work_dir}: report-SIDE-REGIONS-RUN.json holds each run's ansible report and API calls")
    else:
        shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
