# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write docs/reliability.md from the figures the reliability tests recorded (tests/output/reliability/*.json).

Run ``make integration test-reliability`` first (or ``make test``), then ``make reliability-report``. After a run of
some of the tests only, ``--only SECTION...`` rewrites those sections and keeps the others.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "support"))

import reliability_figures  # noqa: E402

OUTPUT = REPO_ROOT / "docs" / "reliability.md"

INTRO = """# Reliability

What kmsguard.alarms promises under faults, interruptions and bad input, and the figures of the last run of the
tests that hold it to each promise. Every AWS call of a test goes to a moto server on 127.0.0.1 through a fault
proxy (`tests/support/fault_proxy.py`) that answers a share of the calls itself, in each service's own error shape,
and records every call with its operation and whether it writes.

Regenerate: `make integration test-reliability reliability-report` (the tests write
`tests/output/reliability/*.json`, `tools/reliability_report.py` writes this page).
"""


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _check_mode_writes(case: dict) -> str:
    runs = case.get("check_mode_runs", 1)
    return f"{case['check_mode_writes']} in {runs} run{'s' if runs > 1 else ''}" if runs else "-"


def faults(cases: list[dict]) -> str:
    rows = [
        [
            case["topology"],
            case["seed"],
            case["calls"],
            case["throttled"],
            case["unavailable"],
            "converged",
            f"{case['check_mode_writes']} in {case.get('check_mode_runs', 1)} runs"
            if case.get("check_mode_runs", 1)
            else "-",
            case["rerun_changed"],
            case["rerun_writes"],
        ]
        for case in cases
    ]
    return (
        "## Throttling and 503s\n\n`test_site_converges_under_throttling_and_503s`: site.yml over 3 regions with 20% "
        "of the calls throttled and 3% answered with a bare HTTP 503, per seed: the deployment, then a clean re-run; "
        "the account then holds exactly one of each resource (no duplicate, no orphan). The first seed of each "
        "topology also runs `--check --diff` under the same faults on the empty account before the deployment and "
        "on the converged account after it (0 changed there).\n\n"
        + _table(
            [
                "topology",
                "seed",
                "calls",
                "throttled",
                "503",
                "result",
                "check-mode writes",
                "re-run changed",
                "re-run writes",
            ],
            rows,
        )
        + f"\n\nFaults survived in all: {sum(case['throttled'] + case['unavailable'] for case in cases)}.\n"
    )


def kills(cases: list[dict]) -> str:
    rows = [
        [
            case["kill_after"],
            case["last_write"],
            case["calls_after_kill"],
            f"{case['check_changed']} changed, {case['check_writes']} writes",
            f"converged, {case['rerun_changed']} changed",
        ]
        for case in cases
    ]
    headers = ["killed after write", "that write", "calls after the kill", "--check --diff then", "re-run"]
    return (
        "## Killed runs\n\n`test_a_killed_first_deployment_converges_on_rerun`: the first deployment (account "
        "topology, 3 regions, 18 writes) is killed with SIGKILL - ansible-playbook and every process it started - "
        "right after the Nth write reached AWS and before the module saw the answer. `--check --diff` on what the "
        "killed run left then writes nothing and reports, on every host, as many changed tasks as the plain re-run "
        "that follows; the re-run converges and the account holds exactly the chain, trail logging.\n\n"
        + _table(headers, rows)
        + f"\n\nKill points survived: {len(cases)}.\n"
    )


def propagation(cases: list[dict]) -> str:
    rows = [[case["case"], case["attempts"], "succeeded" if case["rc"] == 0 else "failed, naming the error"]
            for case in cases]  # fmt: skip
    return (
        "## IAM propagation\n\nCreateTrail answered `InvalidCloudWatchLogsRoleArnException` (a delivery role IAM has "
        "not propagated yet): three times, then accepted; or always.\n\n"
        + _table(["case", "CreateTrail attempts", "result"], rows)
        + "\n"
    )


def bad_input(cases: list[dict]) -> str:
    """test_bad_input_matrix.py (the modules, one play) and the role's table (site.yml runs)."""
    groups: dict[str, list[dict]] = {}
    for case in cases:
        groups.setdefault(case["where"], []).append(case)
    rows = [
        [
            where,
            sum(case["tried"] for case in mine),
            sum(case["failed_naming_the_value"] for case in mine),
            sum(case["calls"] for case in mine),
        ]
        for where, mine in groups.items()
    ]
    tried = sum(case["tried"] for case in cases)
    return (
        "## Bad input\n\n`tests/integration/test_bad_input_matrix.py` gives each module bad input (malformed ARNs, "
        "a topic or key in another region, impossible periods, thresholds and datapoints, wrong types, over-long "
        "names, conflicting options, alias/aws/sns, a malformed filter pattern) as the tasks of one play; "
        "`test_role_pending_deletion_alarm.py::test_bad_input_fails_before_any_aws_call` runs site.yml with bad role "
        "variables and inventory (a non-email, an unknown topology, unknown and misspelt regions, a host without "
        "aws_region, the KMS key forms, a log group name with an accented letter). Each must fail with a message "
        "that names the bad value and what is expected, before any AWS call: the calls column is what the test "
        "endpoint recorded.\n\n"
        + _table(["where", "bad inputs tried", "failed naming the value", "AWS calls"], rows)
        + f"\n\nBad inputs tried in all: {tried}. Writes in check mode: the check-mode writes column of the "
        "throttling table.\n"
    )


def secrets(cases: list[dict]) -> str:
    rows = [[case["case"], case["secrets_checked"], case["files_checked"], case["leaks"]] for case in cases]
    return (
        "## Secrets\n\nsite.yml and verify.yml with `-vvv`, with environment credentials and an assumed role "
        "(`aws_assume_role_arn`), or with a profile of a shared credentials file: every secret key and session token "
        "that went over the wire or came back from STS is searched for in the output and in every file written under "
        "the run's home directory (Ansible's temporary files, the verify report).\n\n"
        + _table(["case", "secrets searched", "files searched", "found"], rows)
        + "\n"
    )


def _removal(action: str, checked_as: dict[str, list[str]], removals: dict[str, dict]) -> str:
    """What removing ``action`` from the policy did, as moto checks it."""
    names = checked_as[action]
    if not names:
        return "not checked by moto"
    done = [removals[name] for name in names if name in removals]
    if not done:
        return "not run (make test-reliability)"
    outcomes = sorted({f"refused in {case['failed_in']}; {case['outcome']}" for case in done})
    shared = sorted(other for other, its in checked_as.items() if other != action and set(its) & set(names))
    together = f"; moto checks it with {', '.join(f'`{name}`' for name in shared)} as one action" if shared else ""
    return f"{'; '.join(outcomes)}{together}"


def hardening(cases: list[dict]) -> str:
    """test_role_hardening.py: one case each for security defaults and foreign resources, drift, concurrency."""
    by_case = {case["case"]: case for case in cases}
    rows = []
    if "security-and-foreign" in by_case:
        case = by_case["security-and-foreign"]
        rows += [
            [
                "security defaults (2 regions, regional topology)",
                f"{case['security_checks']} checks",
                f"{case['security_failed']} failed",
            ],
            [
                "foreign resources through deploy, re-run, teardown",
                f"{case['foreign_resources']} resources",
                f"{case['foreign_changed']} changed or removed",
            ],
            ["re-run with a foreign subscription on the topic", "writes", case["rerun_writes"]],
        ]
    if "drift" in by_case:
        case = by_case["drift"]
        rows += [
            [
                "drift by hand",
                f"{case['changes_made']} changes",
                f"{case['shown_by_check_diff']} shown by --check --diff",
            ],
            ["check mode on the drifted chain", "writes", case["check_mode_writes"]],
            ["re-run", f"{case['changes_made']} changes", f"{case['restored']} restored"],
        ]
    if "concurrent" in by_case:
        case = by_case["concurrent"]
        rows.append(
            [
                f"{case['operators']} concurrent site.yml runs, one account",
                f"{case['failed_runs']} failed",
                f"{case['differences']} duplicates, orphans or missing resources",
            ]
        )
    return (
        "## Security defaults, foreign resources, drift, two operators\n\n`tests/integration/test_role_hardening.py`: "
        "the bucket's public access block, TLS-only and aws:SourceArn policy, BucketOwnerEnforced and encryption, the "
        "topic policy (this account's CloudWatch only), the delivery role's trust (aws:SourceArn and "
        "aws:SourceAccount), log file validation, retention and the trail's event selectors, with one multi-Region "
        "KMS key; foreign trails (regional, multi-region, same and similar names), filters on the role's log group, "
        "alarms, a topic, an IAM role and a subscription on the role's topic, compared before and after each run; a "
        "chain changed by hand (alarm threshold 2 and no action, filter pattern, topic policy, write-only selectors "
        "without KMS, logging stopped); two site.yml runs started together.\n\n"
        + _table(["what", "tried", "result"], rows)
        + "\n"
    )


def policy(cases: list[dict]) -> str:
    summary = next((case for case in cases if case["case"] == "summary"), None)
    if summary is None:
        return "## Least privilege\n\nNo summary recorded: run the tests first.\n"
    removals = {case["removed"]: case for case in cases if "removed" in case}
    checked_as = summary["checked_as"]
    used = ", ".join(f"{step} {count}" for step, count in summary["used"].items())
    rows = [[f"`{action}`", ", ".join(f"`{name}`" for name in names) or "-", _removal(action, checked_as, removals)]
            for action, names in checked_as.items()]  # fmt: skip
    results = [_removal(action, checked_as, removals) for action in checked_as]
    proven = sum(1 for result in results if "access denied" in result)
    later = sum(1 for result in results if "fails:" in result)
    rerun = sum(1 for result in results if "not idempotent" in result)
    return (
        "## Least privilege\n\n`test_least_privilege.py`: a moto server that checks IAM on every call; an IAM user "
        "holding exactly `docs/iam/deployer-policy.json` runs site.yml, site.yml again, verify.yml and teardown.yml: "
        f"each succeeds (moto actions used: {used}). Then, for each action, a user holding the "
        "policy without it runs site.yml, then each step that uses the action and every step after a refusal: moto "
        "refuses that action and no other, first in the first step that uses it, and the run fails with access "
        "denied (or, where a module reads the refusal as nothing there, a later step fails or the re-run changes "
        "again). `make integration` runs the exact policy; `make test-reliability` removes each action in turn "
        "(all of them in one sweep).\n\n"
        + _table(["action in the policy", "moto checks it as", "removed: result"], rows)
        + f"\n\nActions in the policy: {len(checked_as)}. Removed one at a time, the run fails with access denied: "
        f"{proven}; a later step fails because a module read the refusal as nothing there: {later}; the re-run is no "
        f"longer idempotent: {rerun}.\n\n"
        "What moto cannot check, so no run proves it: the resource scope of every statement but the S3 bucket's "
        "(moto checks non-S3 actions against `*`, so the test widens those statements to `*`); conditions (moto "
        "denies any statement with one, so the test drops them: `iam:PassedToService` is not checked); "
        "`iam:PassRole` (moto never checks it); and the S3 actions moto folds into `s3:CreateBucket` (PUT of "
        "encryption, public access block, ownership controls) and `s3:ListBucket` (HEAD and the GETs of those): "
        "removing one of them alone leaves the run allowed under moto, so they are removed together with the action "
        "moto checks them as.\n"
    )


SECTIONS = {
    "faults": faults,
    "kills": kills,
    "propagation": propagation,
    "bad_input": bad_input,
    "secrets": secrets,
    "hardening": hardening,
    "policy": policy,
}

# The heading of each section, as its function writes it: --only keeps the other sections by their heading.
HEADINGS = {
    "faults": "## Throttling and 503s",
    "kills": "## Killed runs",
    "propagation": "## IAM propagation",
    "bad_input": "## Bad input",
    "secrets": "## Secrets",
    "hardening": "## Security defaults, foreign resources, drift, two operators",
    "policy": "## Least privilege",
}


def _sections_of(page: str) -> dict[str, str]:
    """The ``## `` sections of a page, by their heading line."""
    sections: dict[str, str] = {}
    for chunk in page.split("\n## ")[1:]:
        sections["## " + chunk.splitlines()[0]] = "## " + chunk.rstrip("\n") + "\n"
    return sections


def render(cases: list[dict], only: list[str] | None = None, current: str = "") -> str:
    """The page; with ``only``, the other sections are kept as they are in ``current`` (a partial run)."""
    kept = _sections_of(current)
    parts = [INTRO]
    for test, section in SECTIONS.items():
        mine = [case for case in cases if case["test"] == test]
        if only and test not in only and HEADINGS[test] in kept:
            parts.append(kept[HEADINGS[test]])
        else:
            parts.append(section(mine) if mine else f"{HEADINGS[test]}\n\nNo figures recorded: run the tests first.\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=Path, default=reliability_figures.FIGURES_DIR)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(SECTIONS),
        help="regenerate these sections only and keep the others as the page has them (after a partial run)",
    )
    args = parser.parse_args(argv)
    cases = reliability_figures.load(args.figures)
    if not cases:
        print(f"no figures in {args.figures}: run make integration test-reliability first", file=sys.stderr)
        return 1
    current = args.output.read_text() if args.output.exists() else ""
    args.output.write_text(render(cases, args.only, current))
    print(f"wrote {args.output} from {len(cases)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
