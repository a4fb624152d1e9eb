# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The benchmark's numbers and its Markdown report (docs/benchmarks.md), from the runs ``runner`` made.

The report describes; it does not judge a ratio. A baseline that is not idempotent is reported as a finding.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from moto_endpoint import is_write
from playbook_run import PlaybookRun

from .runner import REPO_ROOT
from .runner import Side

AWS_COLLECTIONS = ("amazon.aws.", "community.aws.", "kmsguard.alarms.")
# This collection's action plugins (deployment_plan, check_mode_prediction, the reports) run on the controller
# alone: no module process, no AWS call.
CONTROLLER_ACTIONS = frozenset(
    f"kmsguard.alarms.{path.stem}" for path in (REPO_ROOT / "plugins" / "action").glob("*.py")
)


# ----------------------------------------------------------------------------------------------------------------
# What one run did


def is_aws_action(action: str) -> bool:
    return action.startswith(AWS_COLLECTIONS) and action not in CONTROLLER_ACTIONS


def operation_name(call: dict) -> str:
    """``service:Operation``; S3 REST calls are named by method only (the bucket name is per region)."""
    operation = call["operation"]
    if call["service"] == "s3" and " " in operation:
        operation = operation.split(" ", 1)[0] + " bucket"
    return f"{call['service']}:{operation}"


def aws_module_runs(run: PlaybookRun) -> int:
    """Module executions that talk to AWS (the costly part of a task: a process per host)."""
    return sum(
        1
        for task in run.tasks()
        for result in task.get("hosts", {}).values()
        if not result.get("skipped") and is_aws_action(result.get("action", ""))
    )


def hosts_run(run: PlaybookRun) -> dict[str, tuple[str, int]]:
    """Per task name: its action and on how many hosts it was not skipped."""
    ran: dict[str, tuple[str, int]] = {}
    for task in run.tasks():
        results = task.get("hosts", {}).values()
        actions = {result.get("action", "") for result in results} - {""}
        action, hosts = ran.get(task["task"]["name"], ("", 0))
        hosts += sum(1 for result in results if not result.get("skipped"))
        ran[task["task"]["name"]] = (action or ", ".join(sorted(actions)), hosts)
    return ran


def _iso_seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def task_seconds(run: PlaybookRun) -> Counter:
    """Wall time of each task (first host start to last host end), by task name."""
    durations: Counter = Counter()
    for task in run.tasks():
        duration = task["task"].get("duration", {})
        if duration.get("start") and duration.get("end"):
            durations[task["task"]["name"]] += _iso_seconds(duration["end"]) - _iso_seconds(duration["start"])
    return durations


def task_medians(side: Side, count: int) -> dict[str, float]:
    """Each task's wall time, median over the rounds."""
    per_task: dict[str, list[float]] = {}
    for run in side.runs[count]:
        for name, seconds in task_seconds(run).items():
            per_task.setdefault(name, []).append(seconds)
    return {name: statistics.median(values) for name, values in per_task.items()}


# ----------------------------------------------------------------------------------------------------------------
# Numbers


@dataclass
class Summary:
    median: float
    minimum: float
    calls: int
    reads: int
    writes: int
    tasks: int
    module_runs: int
    changed: list[int]

    @classmethod
    def of(cls, runs: list[PlaybookRun]) -> Summary:
        times = [run.seconds for run in runs]
        last = runs[-1]
        writes = len(last.writes)
        return cls(
            median=statistics.median(times),
            minimum=min(times),
            calls=len(last.calls),
            reads=len(last.calls) - writes,
            writes=writes,
            tasks=len(list(last.tasks())),
            module_runs=aws_module_runs(last),
            changed=[sum(run.changed.values()) for run in runs],
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
        kind = "write" if is_write(operation.split(":", 1)[1]) else "read"
        lines.append(f"| {operation} | {kind} | " + " | ".join(str(counters[n][operation]) for n in names) + " |")
    lines.append("| **total** | | " + " | ".join(f"**{sum(counters[n].values())}**" for n in names) + " |")
    return lines


def task_table(side: Side, count: int, limit: int = 12) -> list[str]:
    """Per-task wall time, median over the rounds, slowest first."""
    medians = task_medians(side, count)
    ran_on = hosts_run(side.runs[count][-1])
    total = sum(medians.values())
    ranked = sorted(medians.items(), key=lambda item: -item[1])
    lines = ["| task | action | hosts run | wall (s) | share |", "| --- | --- | ---: | ---: | ---: |"]
    for name, median in ranked[:limit]:
        action, hosts = ran_on.get(name, ("", 0))
        short_name = name.split(" : ", 1)[-1]
        lines.append(f"| {short_name} | {action} | {hosts} | {median:.2f} | {100 * median / total:.0f}% |")
    if len(ranked) > limit:
        rest = sum(median for _task, median in ranked[limit:])
        lines.append(f"| ({len(ranked) - limit} more tasks) | | | {rest:.2f} | {100 * rest / total:.0f}% |")
    return lines


def task_kind(action: str, hosts: int) -> str:
    if hosts == 0:
        return "skipped on every host"
    if not is_aws_action(action):
        return "controller-only (no AWS call)"
    return "AWS module on one host" if hosts == 1 else "AWS module on every target"


def time_by_kind(side: Side, count: int) -> dict[str, tuple[int, float]]:
    """Tasks and their median wall time, grouped by what they cost: AWS module runs, controller work, skips."""
    ran_on = hosts_run(side.runs[count][-1])
    kinds: dict[str, tuple[int, float]] = {}
    for name, median in task_medians(side, count).items():
        kind = task_kind(*ran_on.get(name, ("", 0)))
        tasks, seconds = kinds.get(kind, (0, 0.0))
        kinds[kind] = (tasks + 1, seconds + median)
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
    if len(sides) == 2:
        base, role = Summary.of(sides["baseline"].runs[largest]), Summary.of(sides["role"].runs[largest])
        notes.append(
            f"- {largest} regions: the role takes {ratio(role.median, base.median)} the baseline's wall time and makes "
            f"{role.calls} API calls against the baseline's {base.calls} ({ratio(role.calls, base.calls)})."
        )
    if "baseline" in sides:
        base = Summary.of(sides["baseline"].runs[largest])
        notes.append(
            f"- The baseline runs {base.tasks} tasks; over {largest} regions its no-change run makes "
            f"{base.calls} calls, {base.calls / largest:.1f} per region, {base.writes} of them writes."
        )
    for side in sides.values():
        notes += profile_lines(side, largest)
    return notes


# ----------------------------------------------------------------------------------------------------------------
# The Markdown report


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


def markdown(sides: dict[str, Side], region_counts: list[int], args: argparse.Namespace, elapsed: float) -> str:
    largest = max(region_counts)
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
        "  `Describe*`, `Get*`, `List*`, `Head*`, `Lookup*`, `Test*`, `Filter*`, `Search*`, `AssumeRole*` and S3",
        "  `GET`/`HEAD`, everything else is a write.",
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
        *findings_lines(sides, region_counts),
        "",
        f"Full run: {elapsed / 60:.1f} min. Reproduce with `make bench`; "
        "`.venv/bin/python tools/bench.py --rounds 1 --regions 1,4` is a quick run.",
        "",
    ]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------------------------
# AWX scale-out (benchlib.awx)

AWX_HEADING = "## AWX: scale-out with job slicing"


def _awx_rows(jobs) -> dict[tuple[int, int, int], dict[str, list]]:
    rows: dict[tuple[int, int, int], dict[str, list]] = {}
    for job in jobs:
        rows.setdefault((job.accounts, job.regions, job.slices), {}).setdefault(job.run, []).append(job)
    return rows


def awx_table(jobs) -> list[str]:
    lines = [
        "| inventory | slices | first run (s) | no-change run (s) | API calls, first / no-change | writes, first |"
        " calls per target, no-change |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (accounts, regions, slices), runs in _awx_rows(jobs).items():
        first, again = runs["first"][0], runs.get("no-change", [])
        again_seconds = statistics.median(job.seconds for job in again) if again else float("nan")
        again_calls = again[-1].calls if again else 0
        lines.append(
            f"| {accounts} account(s) x {regions} regions | {slices} | {first.seconds:.1f} | {again_seconds:.1f} | "
            f"{first.calls} / {again_calls} | {first.writes} | {again_calls / (accounts * regions):.1f} |"
        )
    return lines


def awx_notes(jobs) -> list[str]:
    rows = _awx_rows(jobs)
    notes = []
    one_slice = rows.get((1, 16, 1))
    for (accounts, _regions, slices), runs in rows.items():
        if accounts == 1 and slices > 1 and one_slice and runs.get("no-change") and one_slice.get("no-change"):
            base = statistics.median(job.seconds for job in one_slice["no-change"])
            now = statistics.median(job.seconds for job in runs["no-change"])
            first_ratio = ratio(runs["first"][0].seconds, one_slice["first"][0].seconds)
            notes.append(
                f"- {slices} concurrent slices: the no-change job takes {ratio(now, base)} and the first run "
                f"{first_ratio} of the unsliced job's wall time, with {runs['no-change'][-1].calls} API calls against "
                f"{one_slice['no-change'][-1].calls} (each slice reads its account's identity and leads its own "
                "account-level reads)."
            )
    for (accounts, regions, slices), runs in rows.items():
        if accounts > 1 and one_slice and runs.get("no-change"):
            calls, single = runs["no-change"][-1].calls, one_slice["no-change"][-1].calls
            first = ratio(runs["first"][0].seconds, one_slice["first"][0].seconds)
            notes.append(
                f"- {accounts} accounts x {regions} regions, {slices} slice(s): {calls} API calls in the no-change "
                f"run, {calls / accounts:.0f} per account against {single} for one account unsliced "
                f"({ratio(calls / accounts, single)} per account); the first run takes {first} the wall time of the "
                "one-account unsliced first run."
            )
    return notes


def awx_section(jobs, args, machine: list[str], elapsed: float) -> list[str]:
    rounds = args.awx_rounds
    return [
        AWX_HEADING,
        "",
        "How the deploy job template (`awx/job_templates.json`, topology `regional`) scales out as AWX runs it:",
        "each slice is an `ansible-runner` run on an AWX-shaped private data dir (inventory script, `env/extravars`",
        "with the survey answers, the credential's keys in the environment), the slices of a job start at the same",
        "moment, and the hosts are cut as AWX cuts them (sorted by name, round-robin). Every configuration deploys",
        "into fresh moto accounts (first run), then runs the same job again (no-change run). A 3-account inventory",
        "reaches its accounts through `aws_assume_role_arn` from one credential.",
        "",
        *machine,
        f"- `--forks {args.forks}` in every slice; {rounds} no-change run(s) per configuration (median)"
        + (" (`--awx-rounds`; one run has no spread to show)." if rounds < 2 else "."),
        "- Wall time is the job's: from the launch to the end of its last slice. API calls are those of the whole",
        "  job (every slice), as the endpoint recorded them.",
        "- Every slice runs on this one machine, so concurrent slices share its cores and cannot finish",
        "  sooner than one run: these wall times show the cost of slicing (more processes, one identity read",
        "  and one set of account-level reads per slice), not its gain. On AWX each slice runs on an execution",
        "  node of its own, and a sliced job takes about as long as its slowest slice.",
        "",
        *awx_table(jobs),
        "",
        *awx_notes(jobs),
        "",
        f"AWX part: {elapsed / 60:.1f} min. Reproduce with `make bench`, or only this part with "
        "`.venv/bin/python tools/bench.py --parts awx`.",
        "",
    ]


def replace_section(text: str, heading: str, lines: list[str]) -> str:
    """``text`` with the section under ``heading`` (up to the next heading of its level) replaced, or appended."""
    level = heading.split(" ", 1)[0] + " "
    kept, skipping = [], False
    for line in text.splitlines():
        if line == heading:
            skipping = True
            continue
        if skipping and line.startswith(level):
            skipping = False
        if not skipping:
            kept.append(line)
    body = "\n".join(kept).rstrip("\n")
    # One newline at the end of the file, also when the section's lines end with an empty one.
    return (body + "\n\n" if body else "") + "\n".join(lines).rstrip("\n") + "\n"
