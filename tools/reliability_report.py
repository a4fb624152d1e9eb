# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write docs/reliability.md from the figures the reliability tests recorded (tests/output/reliability/*.json).

Run ``make integration test-reliability`` first (or ``make test``), then ``make reliability-report``.
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


def faults(cases: list[dict]) -> str:
    rows = [
        [
            case["topology"],
            case["seed"],
            case["calls"],
            case["throttled"],
            case["unavailable"],
            "converged",
            case["check_mode_writes"],
            case["rerun_changed"],
            case["rerun_writes"],
        ]
        for case in cases
    ]
    return (
        "## Throttling and 503s\n\n`test_site_converges_under_throttling_and_503s`: site.yml over 3 regions with 20% "
        "of the calls throttled and 3% answered with a bare HTTP 503, per seed: `--check --diff` on the empty "
        "account, the deployment, then a clean re-run; the account then holds exactly one of each resource "
        "(no duplicate, no orphan).\n\n"
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
    rows = [[case["kill_after"], case["last_write"], case["calls_after_kill"], "converged"] for case in cases]
    return (
        "## Killed runs\n\n`test_a_killed_first_deployment_converges_on_rerun`: the first deployment (account "
        "topology, 3 regions, 18 writes) is killed with SIGKILL - ansible-playbook and every process it started - "
        "right after the Nth write reached AWS and before the module saw the answer; a plain re-run then "
        "converges and the account holds exactly the chain, trail logging.\n\n"
        + _table(["killed after write", "that write", "calls after the kill", "re-run"], rows)
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


def secrets(cases: list[dict]) -> str:
    rows = [[case["case"], case["secrets_checked"], case["files_checked"], case["leaks"]] for case in cases]
    return (
        "## Secrets\n\nsite.yml with `-vvv`, environment credentials and an assumed role (`aws_assume_role_arn`): "
        "every secret key and session token that went over the wire or came back from STS is searched for in the "
        "output and in every file written under the run's home directory.\n\n"
        + _table(["case", "secrets searched", "files searched", "found"], rows)
        + "\n"
    )


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


SECTIONS = {
    "faults": faults,
    "kills": kills,
    "propagation": propagation,
    "secrets": secrets,
    "hardening": hardening,
}


def render(cases: list[dict]) -> str:
    parts = [INTRO]
    for test, section in SECTIONS.items():
        mine = [case for case in cases if case["test"] == test]
        parts.append(section(mine) if mine else f"## {test}\n\nNo figures recorded: run the tests first.\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=Path, default=reliability_figures.FIGURES_DIR)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    cases = reliability_figures.load(args.figures)
    if not cases:
        print(f"no figures in {args.figures}: run make integration test-reliability first", file=sys.stderr)
        return 1
    args.output.write_text(render(cases))
    print(f"wrote {args.output} from {len(cases)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
