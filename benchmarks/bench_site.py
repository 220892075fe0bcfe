"""Issues 5 and 13: build the site for 1,000 and 10,000 synthetic cases, and a plain MkDocs Material
site of the same number of one-paragraph pages, in the same run.

Targets: 10× the cases in at most 12× the time; at most 1.5× the plain Material build; the search
index under 10 MB at 10,000 cases.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from synthetic import build

BIN = Path(sys.executable).parent
PLAIN_CONFIG = """site_name: plain
use_directory_urls: false
theme:
  name: material
  language: zh
  font: false
plugins:
  - search:
      separator: '[\\s\\u200b\\-]'
nav:
  - index.md
not_in_nav: |
  /pages/**
"""


def measured(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall-clock seconds, CPU seconds (user + system) and peak resident memory (MB) of one command,
    run in a fresh wrapper. CPU time is reported too: on a shared machine it varies less."""
    probe = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "if done.returncode: sys.exit(done.stdout[-3000:] + done.stderr[-3000:])\n"
             "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(time.perf_counter() - t, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)\n")
    out = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(out.stderr)
    seconds, cpu, megabytes = out.stdout.split()
    return float(seconds), float(cpu), float(megabytes)


def ducha_site(work: Path, count: int) -> Path:
    repo = build(work, count)  # records only: the site's settings and static pages come with ducha
    git = ["git", "-c", "user.name=基准", "-c", "user.email=bench@example.cn"]
    subprocess.run(git + ["init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "synthetic"], cwd=repo, check=True)
    return repo


def plain_site(work: Path, count: int) -> Path:
    if work.exists():
        shutil.rmtree(work)
    (work / "docs" / "pages").mkdir(parents=True)
    (work / "mkdocs.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    (work / "docs" / "index.md").write_text("# 首页\n\n示例。\n", encoding="utf-8")
    for i in range(count):
        (work / "docs" / "pages" / f"p{i:05d}.md").write_text(
            f"# 事项 {i}\n\n这是第 {i} 个示例页面，只有一段文字，用于对比纯 MkDocs Material 的构建时间。\n", encoding="utf-8")
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "site")
    args = parser.parse_args()
    results: dict[int, tuple[float, float, float, float]] = {}
    for size in args.sizes:
        repo = ducha_site(args.work / f"ducha-{size}", size)
        ducha_s, ducha_cpu, ducha_mb = measured([str(BIN / "ducha"), "build", "--today", "2027-12-31"], repo)
        plain = plain_site(args.work / f"plain-{size}", size)
        plain_s, plain_cpu, plain_mb = measured([str(BIN / "mkdocs"), "build", "-q"], plain)
        results[size] = (ducha_s, ducha_mb, plain_s, plain_mb)
        index = repo / "build" / "site" / "search" / "search_index.json"
        plain_index = plain / "site" / "search" / "search_index.json"
        print(f"site: {size:>6} cases  ducha build {ducha_s:7.1f} s ({ducha_cpu:.1f} s CPU) {ducha_mb:5.0f} MB   "
              f"plain Material {plain_s:7.1f} s ({plain_cpu:.1f} s CPU) {plain_mb:5.0f} MB   "
              f"ratio {ducha_s / plain_s:.2f}× wall, {ducha_cpu / plain_cpu:.2f}× CPU (target ≤ 1.5×)")
        print(f"      search index {index.stat().st_size / 1e6:.1f} MB (target < 10 MB), "
              f"plain Material {plain_index.stat().st_size / 1e6:.1f} MB")
    if len(results) >= 2:
        small, large = min(results), max(results)
        print(f"  {large // small}× the cases: ducha {results[large][0] / results[small][0]:.1f}× the time "
              f"(target ≤ 12×), {results[large][1] / results[small][1]:.1f}× the memory; "
              f"plain Material {results[large][2] / results[small][2]:.1f}× the time")


if __name__ == "__main__":
    main()
