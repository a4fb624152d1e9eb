# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Side-by-side benchmark: the role kmsguard.alarms.pending_deletion_alarm against a plain amazon.aws playbook.

``make bench`` runs this script. It starts one moto server on 127.0.0.1 (tests/support/moto_endpoint.py, which
records every AWS call it answers), converges both sides over 16 regions, then times the no-change run of each
side over 1 and 16 regions (forks 16), alternating baseline and role for several rounds, and counts the AWS API
calls of every run (``benchlib.runner``). It prints a table and writes docs/benchmarks.md (``benchlib.report``).

The benchmark reports; it does not judge a ratio. It fails when a run fails or when the role's no-change run
reports a change; a baseline that is not idempotent is reported as a finding, not an error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# The test support code (moto endpoint, playbook runs, collection link) serves the benchmark too.
sys.path.insert(0, str(REPO_ROOT / "tests" / "support"))

from benchlib import report  # noqa: E402
from benchlib.runner import REGIONS  # noqa: E402
from benchlib.runner import SIDES  # noqa: E402
from benchlib.runner import Bench  # noqa: E402
from benchlib.runner import BenchmarkError  # noqa: E402


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
        "--sides", default=",".join(SIDES), help="comma-separated sides to run: baseline, role (default: both)"
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


def _interrupted(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Stop cleanly on SIGTERM/SIGINT too: the running playbook is killed and the moto server stopped.
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    commit = report.git_commit()
    work_dir = Path(tempfile.mkdtemp(prefix="kmsguard-bench-"))
    try:
        sides = Bench(args, work_dir, log).measure()
    except BenchmarkError as error:
        log(f"error: {error}")
        return 1
    elapsed = time.perf_counter() - started
    args.machine = report.machine_lines((load_at_start, os.getloadavg()[0]), commit)
    log("")
    log("\n".join(report.results_table(sides, args.region_counts)))
    log("")
    log("\n".join(report.findings_lines(sides, args.region_counts)))
    if str(args.output) != "-":
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report.markdown(sides, args.region_counts, args, elapsed))
        log(f"\nwrote {args.output}")
    log(f"benchmark took {elapsed / 60:.1f} min")
    if args.keep:
        log(f"kept {work_dir}: report-SIDE-REGIONS-RUN.json holds each run's ansible report and API calls")
    else:
        shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
