"""Issues 7 and 20: export and import of a 10,000-row 台账.

The export against the `ducha status` it needs (both read and classify every record) and
against openpyxl writing the same rows plainly (no styles) in the same run: target, what the
export takes beyond the status at most 2× that plain write, in wall-clock and in CPU time.
The import is timed twice: a sheet exactly as exported (nothing to add: every row still
read, cleaned and compared with its record), and the same sheet with a progress report
filled in on every row (10,000 appends previewed and validated in memory, then applied).
With ``--before REF`` the export of an older commit is timed beside this checkout's (see builds.py).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from openpyxl import load_workbook

from builds import add_option, builds
from synthetic import build
from timing import timed_runs

TODAY = "2027-12-31"


def timed(label: str, command: list[str], cwd: Path, expect: int = 0) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{label} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    print(f"  {label:<48} {seconds:7.2f} s   {done.stdout.strip().splitlines()[-1][:60]}")
    return seconds


#: openpyxl writing the rows of a sheet again, without styles: what the export's own writing is held against.
PLAIN_WRITE = (
    "import io, sys, time\nfrom openpyxl import Workbook, load_workbook\n"
    "rows = list(load_workbook(sys.argv[1]).active.iter_rows(values_only=True))\n"
    "wall, cpu = time.perf_counter(), time.process_time()\n"
    "wb = Workbook(); ws = wb.active\n[ws.append(r) for r in rows]\nwb.save(sys.argv[2])\n"
    "print(time.perf_counter() - wall, time.process_time() - cpu)\n"
)


def plain_write(sheet: Path, target: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds openpyxl takes to write the rows of ``sheet`` plainly (reading them is not timed)."""
    done = subprocess.run([sys.executable, "-c", PLAIN_WRITE, str(sheet), str(target)], capture_output=True, text=True,
                          check=True)
    wall, cpu = done.stdout.split()
    return float(wall), float(cpu)


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The fastest wall-clock time and the least CPU time of some runs."""
    return min(wall for wall, _ in runs), min(cpu for _, cpu in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "ledger")
    parser.add_argument("--export-only", action="store_true", help="time the export alone, not the imports")
    add_option(parser)
    args = parser.parse_args()
    repo = build(args.work, args.count)
    sheet, filled = repo / "台账.xlsx", repo / "台账-已填报.xlsx"
    versions = builds(args.before, args.work.parent / "ledger-builds")
    print(f"ledger: {args.count} cases; wall-clock best of 3, CPU least of 3, the builds' runs taken in turn")
    runs: dict[str, list[tuple[float, float]]] = {}
    for _ in range(3):
        for version in versions:
            runs.setdefault(f"{version.name} status", []).extend(
                timed_runs(version.ducha("status", "--today", TODAY, "--format", "json"), repo, runs=1))
            runs.setdefault(f"{version.name} export", []).extend(
                timed_runs(version.ducha("ledger", "export", "--today", TODAY, "-o", str(sheet)), repo, runs=1))
        runs.setdefault("plain", []).append(plain_write(sheet, repo / "plain.xlsx"))
    plain = best(runs["plain"])
    rows = load_workbook(sheet, read_only=True).active.max_row - 2
    print(f"  peer: openpyxl writing the same {rows} rows plainly {plain[0]:.2f} s ({plain[1]:.2f} s CPU)")
    for version in versions:
        status_runs, export_runs = runs[f"{version.name} status"], runs[f"{version.name} export"]
        status, export = best(status_runs), best(export_runs)
        print(f"{version.name}")
        print(f"  ledger export of {rows} open rows: {export[0]:.2f} s ({export[1]:.2f} s CPU); ducha status "
              f"{status[0]:.2f} s ({status[1]:.2f} s CPU); first runs (cold): export {export_runs[0][0]:.2f} s "
              f"({export_runs[0][1]:.2f} s CPU), status {status_runs[0][0]:.2f} s ({status_runs[0][1]:.2f} s CPU)")
        print(f"  beyond the status: {export[0] - status[0]:.2f} s = {(export[0] - status[0]) / plain[0]:.2f}× the plain "
              f"write (CPU {export[1] - status[1]:.2f} s = {(export[1] - status[1]) / plain[1]:.2f}×; target ≤ 2×)")
    if args.export_only:
        return
    ducha = versions[-1].ducha()[0]
    timed("peer: openpyxl load_workbook alone", [sys.executable, "-c", ("import sys\nfrom openpyxl import load_workbook\n"
                                                 "load_workbook(sys.argv[1]); print('loaded')"), str(sheet)], repo)
    timed("ledger import (as exported: nothing to add)", [ducha, "ledger", "import", str(sheet), "--today", TODAY], repo)
    wb = load_workbook(sheet)
    ws = wb.active
    header = [c.value for c in ws[2]]
    day, text = header.index("进展日期") + 1, header.index("进展情况") + 1
    assigned = header.index("交办日期") + 1
    for row in range(3, ws.max_row + 1):
        if ws.cell(row, assigned).value is None:
            continue  # not yet 交办: nothing to report
        ws.cell(row, day).value = "2027.12.30"
        ws.cell(row, text).value = "按计划推进，本月完成阶段任务。"
    wb.save(filled)
    timed("ledger import (progress on every assigned case, preview)", [ducha, "ledger", "import", str(filled), "--today", TODAY], repo)
    timed("ledger import --apply (writes every case)", [ducha, "ledger", "import", str(filled), "--today", TODAY, "--apply"], repo)
    timed("ledger import --apply again (no-op)", [ducha, "ledger", "import", str(filled), "--today", TODAY, "--apply"], repo)


if __name__ == "__main__":
    main()
