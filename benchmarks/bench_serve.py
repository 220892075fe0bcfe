"""Issues 13 and 23: the live preview at 10,000 cases (records as heavy as real ones) — how long after
saving an edited case its page shows the edit, through plain `mkdocs serve` at the repository's root
(the ducha plugin) and through `ducha serve`.

The preview rebuilds only what changed: the edited case's page at once, the lists that count it in
the rebuild after. Each edit is made once the preview has settled. Peer, side by side: `mkdocs
serve` of a plain Material site of as many pages of the same text length (bench_site), one page edited.

Target: at most 2 s.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench_site import ducha_site, page_lengths, plain_site

BIN = Path(sys.executable).parent
TODAY = "2027-12-31"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def shows(url: str, text: str, seconds: float) -> float | None:
    """Seconds until ``url`` contains ``text`` (polled every 50 ms), or None after ``seconds``."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if text in urllib.request.urlopen(url, timeout=5).read().decode("utf-8"):
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.05)
    return None


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def build_of(url: str) -> int:
    """The number of the build the page at ``url`` comes from (MkDocs' live-reload script in it). MkDocs
    holds the request while a build runs: the answer comes once it is done."""
    text = urllib.request.urlopen(url, timeout=600).read().decode("utf-8")
    found = re.search(r"livereload\((\d+), \d+\)", text)
    if found is None:
        raise SystemExit(f"{url} carries no live-reload script")
    return int(found.group(1))


def settled(url: str, quiet: float = 2.0, limit: float = 900) -> None:
    """Wait until the server has made no build for ``quiet`` seconds and runs none. ``/livereload/<build>/…``
    answers as soon as a later build is visible; a page asked for after the wait comes once a build that
    started meanwhile is done. Told by the server, not guessed from its CPU (on a loaded machine a rebuild
    starved of cores looks idle)."""
    base = url.split("/", 3)
    start = time.monotonic()
    while time.monotonic() - start < limit:
        build = build_of(url)
        try:
            urllib.request.urlopen(f"{base[0]}//{base[2]}/livereload/{build}/1", timeout=quiet).read()
            continue  # a later build came
        except TimeoutError:
            pass
        except urllib.error.URLError as error:
            if not isinstance(error.reason, TimeoutError):
                raise
        if build_of(url) == build:
            return
    print(f"({url} never settled for {quiet} s within {limit} s)", file=sys.stderr)


IDLE = 10.0


def idle_cpu(pid: int) -> float:
    """The CPU seconds the server uses in ``IDLE`` seconds with nothing changing: plain `mkdocs serve` looks at
    every watched file twice a second, which at 10,000 pages keeps a fifth of a core busy for good; the ducha
    preview is told of changes by the system instead (the quietest of three windows is reported)."""
    before = cpu_seconds(pid)
    time.sleep(IDLE)
    return cpu_seconds(pid) - before


def edits(command: Callable[[int], list[str]], cwd: Path, page: str, target: Path, first: str, mark: str,
          count: int) -> tuple[list[tuple[float, float]], float, str]:
    """Start the server, then edit ``target`` ``count`` times, each once the server has settled; for each edit,
    the seconds until the page showed it and the server's CPU seconds in that time (the steadier figure
    on a shared machine: waiting for a core does not count). Then, settled again, the CPU seconds it uses
    with nothing changing (``idle_cpu``), and the machine's load average as the edits ended (on a shared
    machine, what the wall times are read with)."""
    port = free_port()
    log = cwd / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(command(port), cwd=cwd, stdout=out, stderr=out)
        try:
            url = f"http://127.0.0.1:{port}/{page}"
            started = shows(url, first, 900)
            if started is None:
                raise SystemExit(f"{command(port)[0]} never served {page}:\n{log.read_text()[-2000:]}")
            original = target.read_text(encoding="utf-8")
            found = []
            for n in range(count):
                settled(url)
                stamp = f"{mark}{n}"
                before = cpu_seconds(server.pid)
                target.write_text(original.replace(first, first + stamp, 1), encoding="utf-8")
                shown = shows(url, first + stamp, 120) or float("inf")
                found.append((shown, cpu_seconds(server.pid) - before))
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
            target.write_text(original, encoding="utf-8")
            settled(url)
            return found, min(idle_cpu(server.pid) for _ in range(3)), load
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / "work" / "serve")
    parser.add_argument("--reuse", action="store_true",
                        help="serve the records and the plain site an earlier run left in --work (same --count)")
    args = parser.parse_args()
    reuse = args.reuse and (args.work / "ducha" / "cases").is_dir() and (args.work / "plain" / "docs").is_dir()
    repo = args.work / "ducha" if reuse else ducha_site(args.work / "ducha", args.count)
    case = sorted((repo / "cases").rglob("*.yaml"))[args.count // 2]
    title = next(line for line in case.read_text(encoding="utf-8").splitlines() if line.startswith("title: "))[7:]
    page = case.relative_to(repo).with_suffix(".html").as_posix()
    os.environ["DUCHA_AS_OF"] = TODAY
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    plain = args.work / "plain" if reuse else plain_site(args.work / "plain", page_lengths(repo))
    plugin = edits(lambda port: [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"], repo, page, case,
                   title, "（改", args.edits)
    ours = edits(lambda port: [str(BIN / "ducha"), "serve", "--today", TODAY, "--port", str(port)], repo, page, case,
                 title, "（改", args.edits)
    plain_page = plain / "docs" / "pages" / f"p{args.count // 2:05d}.md"
    theirs = edits(lambda port: [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"], plain,
                   f"pages/p{args.count // 2:05d}.html", plain_page, f"事项 {args.count // 2}", "（改", args.edits)
    pages = sum(1 for _ in (plain / "docs").rglob("*.md"))

    def shown(runs: tuple[list[tuple[float, float]], float, str]) -> str:
        found, still, load = runs
        return (", ".join(f"{wall:.2f} s ({cpu:.2f} s CPU)" for wall, cpu in found)
                + f"; idle: {still:.2f} s CPU in {IDLE:.0f} s; load average {load}")

    print(f"serve: {args.count} cases, an edited case shown after (target ≤ 2 s):\n"
          f"  mkdocs serve (plugin)  {shown(plugin)}\n  ducha serve            {shown(ours)}\n"
          f"  plain Material `mkdocs serve` of {pages} pages, an edited page: {shown(theirs)}")


if __name__ == "__main__":
    main()
