# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Side-by-side benchmark: the role kmsguard.alarms.pending_deletion_alarm against a plain amazon.aws playbook.

``make bench`` runs this script. It starts one moto server on 127.0.0.1 (tests/support/moto_endpoint.py, which
records every AWS call it answers), converges both sides over 16 regions, then times the no-change run of each
side over 1 and 16 regions (forks 16), alternating baseline and role for several rounds, and counts the AWS API
calls of every run (``benchlib.runner``). It prints a table and writes docs/benchmarks.md (``benchlib.report``).

The AWX part (``benchlib.awx``) then times the deploy job template as AWX runs it: 16 regions as 1, 2 and 4
concurrent ansible-runner slices, and 3 accounts x 16 regions, each first run and no-change run; it writes its own
section of docs/benchmarks.md (``--parts awx`` runs and rewrites that section only).

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
from benchlib.awx import AwxBench  # noqa: E402
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
    parser.add_argument("--parts", default="sides,awx", help="what to measure: sides, awx (default: both)")
    parser.add_argument(
        "--awx-slices", default="1,2,4", help="AWX part: slice counts of the 1-account, 16-region job (1,2,4)"
    )
    parser.add_argument(
        "--awx-account-slices", default="4", help="AWX part: slice counts of the 3-account x 16-region job (4)"
    )
    parser.add_argument("--awx-rounds", type=int, default=2, help="AWX part: no-change runs per configuration (2)")
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
    args.parts = [part for part in ("sides", "awx") if part in args.parts.split(",")]
    args.awx_slices = [int(n) for n in args.awx_slices.split(",") if n]
    args.awx_account_slices = [int(n) for n in args.awx_account_slices.split(",") if n]
    if not args.parts or args.awx_rounds < 1 or 1 not in args.awx_slices:
        parser.error("need a part, one AWX round, and 1 among --awx-slices (the unsliced job to compare with)")
    return args


def log(message: str) -> None:
    print(message, flush=True)


def _interrupted(signum, frame):
    raise SystemExit(128 + signum)


def _section(text: str, heading: str) -> list[str]:
    """The lines of the section under ``heading`` in ``text`` (empty when there is none), heading included."""
    lines = text.splitlines()
    if heading not in lines:
        return []
    start = lines.index(heading)
    level = heading.split(" ", 1)[0] + " "
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(level)), len(lines))
    return lines[start:end]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Stop cleanly on SIGTERM/SIGINT too: the running playbook is killed and the moto server stopped.
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    commit = report.git_commit()
    work_dir = Path(tempfile.mkdtemp(prefix="kmsguard-bench-"))
    for part in args.parts:
        (work_dir / part).mkdir()
    text = args.output.read_text() if str(args.output) != "-" and args.output.exists() else ""
    try:
        if "sides" in args.parts:
            sides = Bench(args, work_dir / "sides", log).measure()
            elapsed = time.perf_counter() - started
            args.machine = report.machine_lines((load_at_start, os.getloadavg()[0]), commit)
            log("")
            log("\n".join(report.results_table(sides, args.region_counts)))
            log("")
            log("\n".join(report.findings_lines(sides, args.region_counts)))
            kept_awx = _section(text, report.AWX_HEADING)
            text = report.markdown(sides, args.region_counts, args, elapsed)
            text = report.replace_section(text, report.AWX_HEADING, kept_awx) if kept_awx else text
        if "awx" in args.parts:
            awx_started, awx_load = time.perf_counter(), os.getloadavg()[0]
            jobs = AwxBench(args, work_dir / "awx", log).measure()
            machine = report.machine_lines((awx_load, os.getloadavg()[0]), commit)
            section = report.awx_section(jobs, args, machine, time.perf_counter() - awx_started)
            log("\n".join(section))
            text = report.replace_section(text, report.AWX_HEADING, section)
    except BenchmarkError as error:
        log(f"error: {error}")
        return 1
    elapsed = time.perf_counter() - started
    if str(args.output) != "-":
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
        log(f"\nwrote {args.output}")
    log(f"benchmark took {elapsed / 60:.1f} min")
    if args.keep:
        log(f"kept {work_dir}: report-SIDE-REGIONS-RUN.json holds each run's ansible report and API calls")
    else:
        shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
