"""Issues 5, 13 and 23: the site of 1,000 and 10,000 synthetic cases (records as heavy as real ones),
built by plain `mkdocs build` at the repository's root through the ducha plugin (and by `ducha build`),
beside a plain MkDocs Material site of as many pages of the same text length, in the same run.

The plain site's pages are Markdown paragraphs of the same kind of sentences, each page as long as the
text a reader sees on the generated page it stands for (markup left out, counted in characters on the
pages `ducha pages` writes); it has Material's search with the same separator.

Targets (issue 23): `mkdocs build` through the plugin within 1.4× the plain build (wall and CPU), peak
memory within 2.5× the plain build, the search index under 10 MB at 10,000 cases.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

from synthetic import REPO, build, sentence

BIN = Path(sys.executable).parent
TODAY = "2027-12-31"
PLAIN_CONFIG = """site_name: plain
use_directory_urls: false
theme:
  name: material
  language: zh
  font: false
plugins:
  - search:
      separator: '[\\s\\u200b\\-〔〕［］\\[\\]（）()：:，,、；;。]'
nav:
  - index.md
not_in_nav: |
  /pages/**
"""


def measured(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall-clock seconds, CPU seconds (user + system) and peak resident memory (MB) of one command,
    run in a fresh wrapper. CPU time is reported too: on a shared machine it varies less."""
    probe = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "if done.returncode: sys.exit(done.stdout[-3000:] + done.stderr[-3000:])\n"
             "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(time.perf_counter() - t, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)\n")
    out = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True, text=True, check=False,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    if out.returncode:
        raise SystemExit(out.stderr)
    seconds, cpu, megabytes = out.stdout.split()
    return float(seconds), float(cpu), float(megabytes)


def ducha_site(work: Path, count: int, settings: bool = True) -> Path:
    """The synthetic records as a git repository; with the office's mkdocs.yml and site/ at its root
    (the demo's) when ``settings``."""
    repo = build(work, count)
    if settings:
        shutil.copy(REPO / "mkdocs.yml", repo / "mkdocs.yml")
        shutil.copytree(REPO / "site", repo / "site")
    git = ["git", "-c", "user.name=基准", "-c", "user.email=bench@example.cn"]
    subprocess.run(git + ["init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "synthetic"], cwd=repo, check=True)
    return repo


_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_TAG = re.compile(r"<[^>]+>")


def page_lengths(repo: Path) -> list[int]:
    """The text of every generated page as a reader sees it (markup and front matter left out), in
    characters (`ducha pages`, not timed)."""
    subprocess.run([str(BIN / "ducha"), "pages", "--today", TODAY], cwd=repo, check=True, capture_output=True)
    docs = repo / "build" / "docs-internal"
    return [len(" ".join(html.unescape(_TAG.sub(" ", _FRONT.sub("", p.read_text(encoding="utf-8")))).split()))
            for p in sorted(docs.rglob("*.md"))]


def plain_site(work: Path, lengths: list[int]) -> Path:
    """A plain Material site with one Markdown page of each length, made of the records' kind of sentences."""
    if work.exists():
        shutil.rmtree(work)
    (work / "docs" / "pages").mkdir(parents=True)
    (work / "mkdocs.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    (work / "docs" / "index.md").write_text("# 首页\n\n示例。\n", encoding="utf-8")
    rng = random.Random(11)
    for i, length in enumerate(lengths):
        parts = [f"# 事项 {i}\n"]
        size = len(parts[0])
        while size < length:
            paragraph = "".join(sentence(rng) for _ in range(3))
            parts.append(paragraph)
            size += len(paragraph) + 2
        (work / "docs" / "pages" / f"p{i:05d}.md").write_text("\n\n".join(parts)[:length] + "\n", encoding="utf-8")
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "site")
    args = parser.parse_args()
    results: dict[int, tuple[float, float, float, float]] = {}
    for size in args.sizes:
        repo = ducha_site(args.work / f"ducha-{size}", size)
        lengths = page_lengths(repo)
        plain = plain_site(args.work / f"plain-{size}", lengths)
        plain_s, plain_cpu, plain_mb = measured([str(BIN / "mkdocs"), "build", "-q"], plain)
        ours_s, ours_cpu, ours_mb = measured([str(BIN / "mkdocs"), "build", "-q"], repo, {"DUCHA_AS_OF": TODAY})
        cli_s, cli_cpu, cli_mb = measured([str(BIN / "ducha"), "build", "--today", TODAY], repo)
        short = plain_site(args.work / f"short-{size}", [60] * len(lengths))  # the earlier peer: one paragraph a page
        short_s, short_cpu, short_mb = measured([str(BIN / "mkdocs"), "build", "-q"], short)
        results[size] = (ours_s, ours_mb, plain_s, plain_mb)
        index = repo / "build" / "site" / "search" / "search_index.json"
        plain_index = plain / "site" / "search" / "search_index.json"
        print(f"site: {size:>6} cases, {len(lengths)} pages of {sum(lengths) / len(lengths):,.0f} characters of text on average")
        print(f"  mkdocs build (plugin) {ours_s:7.1f} s ({ours_cpu:6.1f} s CPU) {ours_mb:5.0f} MB   "
              f"plain Material {plain_s:7.1f} s ({plain_cpu:6.1f} s CPU) {plain_mb:5.0f} MB")
        print(f"  ratio {ours_s / plain_s:.2f}× wall, {ours_cpu / plain_cpu:.2f}× CPU (target ≤ 1.4×), "
              f"{ours_mb / plain_mb:.2f}× memory (target ≤ 2.5×)")
        print(f"  ducha build           {cli_s:7.1f} s ({cli_cpu:6.1f} s CPU) {cli_mb:5.0f} MB   "
              f"{cli_s / plain_s:.2f}× wall, {cli_cpu / plain_cpu:.2f}× CPU")
        print(f"  plain Material of one-paragraph pages (the earlier peer) {short_s:7.1f} s ({short_cpu:6.1f} s CPU) "
              f"{short_mb:5.0f} MB: the plugin {ours_s / short_s:.2f}× wall, {ours_cpu / short_cpu:.2f}× CPU")
        print(f"  search index {index.stat().st_size / 1e6:.1f} MB (target < 10 MB), "
              f"plain Material {plain_index.stat().st_size / 1e6:.1f} MB")
    if len(results) >= 2:
        small, large = min(results), max(results)
        grew, plain_grew = results[large][0] / results[small][0], results[large][2] / results[small][2]
        print(f"  {large // small}× the cases: mkdocs build (plugin) {grew:.1f}× the time, "
              f"{results[large][1] / results[small][1]:.1f}× the memory; plain Material {plain_grew:.1f}× the time")


if __name__ == "__main__":
    main()
