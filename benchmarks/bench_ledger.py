"""Issue 7: export and import of a 10,000-row 台账.

The import is timed twice: a sheet exactly as exported (nothing to add: every row still
read, cleaned and compared with its record), and the same sheet with a progress report
filled in on every row (10,000 appends previewed and validated in memory, then applied).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from synthetic import build

BIN = Path(sys.executable).parent
TODAY = "2027-12-31"


def timed(label: str, command: list[str], cwd: Path, expect: int = 0) -> float:
    import subprocess

    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{label} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    print(f"  {label:<48} {seconds:7.2f} s   {done.stdout.strip().splitlines()[-1][:60]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "ledger")
    args = parser.parse_args()
    repo = build(args.work, args.count)
    sheet, filled = repo / "台账.xlsx", repo / "台账-已填报.xlsx"
    ducha = str(BIN / "ducha")
    print(f"ledger: {args.count} cases")
    timed("ledger export", [ducha, "ledger", "export", "--today", TODAY, "-o", str(sheet)], repo)
    plain_write = (
        "import sys\nfrom openpyxl import Workbook, load_workbook\n"
        "rows = list(load_workbook(sys.argv[1]).active.iter_rows(values_only=True))\n"
        "wb = Workbook(); ws = wb.active\n[ws.append(r) for r in rows]\nwb.save(sys.argv[2]); print('plain write done')\n")
    timed("peer: read it + write the same rows, no styling", [sys.executable, "-c", plain_write, str(sheet),
                                                               str(repo / "plain.xlsx")], repo)
    timed("peer: openpyxl load_workbook alone", [sys.executable, "-c", ("import sys\nfrom openpyxl import load_workbook\n"
                                                 "load_workbook(sys.argv[1]); print('loaded')"), str(sheet)], repo)
    timed("ledger import (as exported: nothing to add)", [ducha, "ledger", "import", str(sheet), "--today", TODAY], repo)
    from openpyxl import load_workbook

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
