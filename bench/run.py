#!/usr/bin/env python3
"""End-to-end benchmark harness: the release binary in a pseudo-terminal of fixed size,
against the built-in simulator at full speed (`mavera-tui sim --tps 0 --words N`) or at
a real model's pace (`--tps 100`).

Owns: running each performance scenario (README, "Performance") several times, measuring
what the client costs (wall time, render lag after the server's last byte, CPU from
/proc, bytes written to the terminal, frames, peak RSS, keystroke latency, start-up
time, idle silence; per second of streaming: CPU % of one core, frames/s, KB/s),
printing medians against the targets, and the exit code (1 when a target is missed by
more than 2x, the noise margin). Optionally the same stream for another client (`--peer
CMD`) for a side-by-side ratio. Does not own: micro-benchmarks (`benches/core.rs`; their
SSE throughput and a paced frame's own work are read from criterion's output when
present) or deterministic work counts (`tests/work_counts.rs`, which CI runs).

Python 3 standard library only. Talks to 127.0.0.1 only (the simulator it starts).

    python3 bench/run.py                 # build release, every scenario, 3 runs each
    python3 bench/run.py --quick         # 1 run, smaller sizes: a smoke test
    python3 bench/run.py --scenario stream20k --scenario keys_load
    python3 bench/run.py --peer codex    # also run another client on the same stream

Scenarios (the README's performance table; `--scenario NAME`, repeatable):
    stream20k  a 20,000-word answer at full speed: render lag after the server's last
               byte (until the frame that shows the answer's footer), client CPU, bytes
               written, frames per second, peak RSS, and bytes written in the second after
    stream2k   the same for a 2,000-word answer (reported, no target of its own)
    idle       2 s with nothing happening: bytes written (must be 0) and CPU
    keys_idle  a letter typed into the composer -> the first byte written (median of 20)
    keys_load  letters typed while a full-speed 20,000-word answer renders -> the frame
               that shows each in the composer (the first byte would be any frame)
    startup    spawn -> the end of the first complete frame, the persona list cached
    compare6   6 personas side by side (`--personas`), 5,000 words each, in a 220x50
               terminal so that all columns show: CPU, each column's render lag
    thread10k  `mavera-tui import FILE` of a 10,000-message (~5 MB) transcript: spawn ->
               first frame with messages, CPU per page scroll (PgUp), peak RSS
  Paced, at 100 tokens/s (a real model streams at 30-150 for tens of seconds): what the
  client costs while it waits on the network. Each reports client CPU seconds over the
  stream and CPU % of one core (CPU seconds / send -> rendered), frames/s, bytes written
  and KB/s. --quick gives them 500 words (paced_paragraph10k 1,000), ~5-10 s each.
    paced_paragraph     one answer that is a single paragraph (`sim --shape paragraph`:
                        soft line breaks only, never a blank line), 3,000 words, ~30 s:
                        the worst case for a client that re-lays-out the growing block;
                        also CPU % per third of the stream
    paced_paragraph10k  the same, 10,000 words (~100 s): CPU % must stay flat as the
                        paragraph grows (`cpu_growth`: the last third's CPU % over the
                        middle third's, each the median of 4 windows so that a burst of
                        another program's load is not read as growth, <= 1.15; the first
                        third, while the screen fills, is shown but not compared). A cost
                        linear in the paragraph's length gives about 5/6 / 1/2 = 1.67: a
                        miss, never a FAIL (the CPU % rows are the ones that fail)
    paced_paragraphs    one answer in the default shape (paragraphs, lists), 3,000 words
    paced_compare6      6 personas side by side (220x50), 1,000 words each, every column
                        at 100 tokens/s
  History (`benches/history.rs` generates 10,000 threads / 100,000 messages, ~75 MB):
    history10k   start -> first frame with that history; `--resume` -> the reopened
                 10,000-message thread's last answer on screen
    checkpoints  the 20,000-word full-speed answer with the history on and off: the CPU
                 the history adds (checkpoints, the final write), to the nanosecond; each
                 run is the median of 3 alternating pairs (the difference is as small as
                 one run's spread)
Scenarios that need a flag or command this build's `--help` does not list are skipped
with a note, so they start to run when the feature lands.

How a scenario works: the simulator is started with `--words N` (and `--tps`, `--shape`
for the paced ones), the client with MAVERA_BASE_URL pointing at it, a private HOME,
TERM=xterm-256color and `--persona CFO` (so the composer has focus). The harness answers
the client's device-attributes query as a terminal would, types a prompt and Enter, and
timestamps every chunk the client writes. The server's last byte comes from the
simulator's own request log (`GET /_sim/requests`, on the simulator's clock, calibrated
against ours); the client is done when its output has been quiet for a while after that.
Frames are counted as DEC 2026 synchronized-output begin markers (`ESC[?2026h`): the
client wraps every frame it draws, and only frames, in one begin/end pair (src/runtime,
`draw`). The screen is reconstructed by a minimal terminal emulator (`Screen`) only
where text must be seen (the composer title, the answer's footer, a typed key's echo),
mostly after the run so that parsing does not compete with the client for the CPU.

Peers (`--peer CMD`): the command runs in the same terminal with OPENAI_BASE_URL and
MAVERA_BASE_URL set to the simulator (`.../v1` and `.../api/v1`), OPENAI_API_KEY and
MAVERA_API_KEY set to a simulator key, and a private HOME unless `--peer-home DIR`
gives a prepared one (a client that asks to log in or to trust a folder on first start
needs that); arguments go in the same string (`--peer "codex -m mavera-1"`). Proxy
variables point at a closed loopback port so that a peer's other traffic goes nowhere.
The harness waits for its screen to settle, types the same prompt and Enter, and
measures the same way (the peer's last byte stands for "rendered"). A peer that is not
installed is skipped with a note; none is required.
"""

import argparse
import codecs
import fcntl
import json
import os
import pty
import random
import re
import select
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unicodedata
import urllib.request

KEY = "mvra_live_0123456789abcdef0123456789abcdef"
DA_QUERY = b"\x1b[c"
DA_REPLY = b"\x1b[?62;22c"  # a VT220-class terminal, as xterm answers
CPR_QUERY = b"\x1b[6n"
SYNC_BEGIN = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PROMPT = "Should we launch the subscription plan?"
# Every scenario run ends by this deadline, whatever happens (seconds).
SCENARIO_TIMEOUT = 120.0
PEER_TIMEOUT = 300.0


class HarnessError(Exception):
    """A run could not be carried out (not a missed target): reported, then skipped."""


class Skip(Exception):
    """A scenario this build (or machine) cannot run: printed as a note."""


def now():
    return time.monotonic()


# ---------------------------------------------------------------------------------------
# The simulator
# ---------------------------------------------------------------------------------------


class Sim:
    """`mavera-tui sim` on a free loopback port, and its request log: answers of `words`
    words at `tps` tokens/s (0 = full speed), in the simulator's default shape unless
    `shape` names another (`--shape`)."""

    def __init__(self, binary, home, words, tps=0, shape=None):
        # Unlimited requests and credits: many runs share one simulator.
        cmd = [binary, "sim", "--port", "0", "--tps", str(tps), "--words", str(words), "--rpm", "0",
               "--credits", "100000000"]
        if shape:
            cmd += ["--shape", shape]
        env = {"PATH": os.environ.get("PATH", ""), "HOME": home}
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True
        )
        ready, _, _ = select.select([self.proc.stdout], [], [], 15)
        line = self.proc.stdout.readline().strip() if ready else ""
        if not re.match(r"^http://127\.0\.0\.1:\d+/api/v1$", line):
            self.stop()
            raise HarnessError(f"the simulator did not print its loopback URL (got {line!r})")
        self.url = line
        self.root = line[: -len("/api/v1")]
        self.epoch = self._calibrate()

    def _get(self, path, auth=False):
        req = urllib.request.Request(self.root + path)
        if auth:
            req.add_header("Authorization", f"Bearer {KEY}")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read().decode("utf-8"))

    def records(self):
        return self._get("/_sim/requests")

    def _calibrate(self):
        """Our monotonic time of the simulator's 0 ms, from one request each side logs."""
        before = now()
        self._get("/api/v1/usage", auth=True)
        after = now()
        mine = [r for r in self.records() if r.get("path") == "/api/v1/usage"]
        if not mine:
            raise HarnessError("the simulator did not log the calibration request")
        return (before + after) / 2 - mine[-1]["started_ms"] / 1000.0

    def personas(self):
        """The simulator's personas (`id`, `name`, `category`, ...)."""
        data = self._get("/api/v1/personas?limit=100", auth=True)
        return [p for p in data.get("data", []) if isinstance(p, dict)]

    def streams(self, since):
        """Streaming POSTs that arrived after record index `since`."""
        return [r for r in self.records()[since:] if r.get("method") == "POST" and r.get("stream")]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


# ---------------------------------------------------------------------------------------
# A program in a pseudo-terminal
# ---------------------------------------------------------------------------------------


def proc_tree(root):
    """`root` and its descendants, from /proc."""
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
            parents[int(name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(p for p, pp in parents.items() if pp == pid)
    return tree


def process_cpu_seconds(pid):
    """User + system CPU of the process `pid` (all its threads) and the children it reaped;
    0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    # Fields 14-17 of proc(5): utime, stime, cutime, cstime.
    return sum(int(x) for x in fields[11:15]) / CLK_TCK


def cpu_seconds(pid):
    """User + system CPU of `pid` and its live descendants (and children it reaped)."""
    return sum(process_cpu_seconds(p) for p in proc_tree(pid))


def thread_cpu_seconds(pid):
    """CPU of the live threads of `pid` to the nanosecond (/proc/PID/task/*/schedstat),
    where /proc/PID/stat counts 10 ms ticks: for differences smaller than a tick. Threads
    that have ended are not counted (the app's long-lived ones do the work measured)."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1e9


# Windows per third of a paced stream whose median is compared for `cpu_growth`.
GROWTH_WINDOWS = 4


class CpuSampler:
    """The CPU seconds of one process, sampled on a thread of its own, for its CPU rate
    over parts of a long run (does the cost grow as the answer does?). Reads only that
    process's threads' schedstat, not the whole /proc: cheap enough to sample 4 times a
    second, and to the nanosecond (a third of a paced run is tens of 10 ms ticks)."""

    def __init__(self, pid, period=0.25):
        self.pid, self.period = pid, period
        self.samples = []  # (monotonic time, CPU seconds)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            self.samples.append((now(), thread_cpu_seconds(self.pid)))
            if self.stopped.wait(self.period):
                return

    def stop(self):
        self.stopped.set()
        self.thread.join(2)

    def percent(self, start, end):
        """CPU % of one core between the samples nearest `start` and `end` (NaN when
        they are the same sample: a window shorter than the sampling period)."""
        t0, c0 = min(self.samples, key=lambda s: abs(s[0] - start))
        t1, c1 = min(self.samples, key=lambda s: abs(s[0] - end))
        return 100 * (c1 - c0) / (t1 - t0) if t1 > t0 else float("nan")

    def steady_percent(self, start, end, windows=GROWTH_WINDOWS):
        """CPU % of one core between `start` and `end` as the median of `windows` equal
        windows: a burst of someone else's load on the machine (one window) moves the
        mean of a third, not this."""
        step = (end - start) / windows
        rates = [self.percent(start + i * step, start + (i + 1) * step) for i in range(windows)]
        rates = [r for r in rates if r == r]  # NaN: a window shorter than the sampling period
        return statistics.median(rates) if rates else float("nan")


def peak_rss_mb(pid):
    """Peak resident memory (VmHWM) of `pid` and its descendants, in MB."""
    total = 0
    for p in proc_tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024.0


class Term:
    """A program in a pty of fixed size; every chunk it writes, timestamped."""

    def __init__(self, argv, env, cols, rows):
        self.cols, self.rows = cols, rows
        self.chunks = []  # (monotonic time, bytes)
        self.size = 0
        self.lock = threading.Lock()
        self.spawned = now()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the program
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.status = None
        self.rusage = None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        tail = b""
        while True:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.5)
                if not ready:
                    if self.status is not None:
                        return
                    continue
                data = os.read(self.fd, 65536)
            except OSError:
                return  # EIO: the program closed its terminal
            if not data:
                return
            t = now()
            with self.lock:
                self.chunks.append((t, data))
                self.size += len(data)
            # Answer terminal queries as a terminal would (the client waits for them).
            window = tail + data
            for _ in range(window.count(DA_QUERY)):
                self.write(DA_REPLY)
            for _ in range(window.count(CPR_QUERY)):
                self.write(b"\x1b[1;1R")
            tail = data[-3:]

    def write(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        try:
            os.write(self.fd, data)
        except OSError:
            pass

    def snapshot(self):
        with self.lock:
            return list(self.chunks)

    def total(self):
        with self.lock:
            return self.size

    def last_time(self):
        with self.lock:
            return self.chunks[-1][0] if self.chunks else self.spawned

    def alive(self):
        if self.status is None:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.status, self.rusage = status, usage
        return self.status is None

    def wait_quiet(self, quiet, deadline, since=0.0):
        """Waits until nothing was written for `quiet` s (counted from `since` at least:
        the time of a write whose answer is awaited); returns the last byte's time."""
        while True:
            last = self.last_time()
            if now() - max(last, since) >= quiet:
                return last
            if now() > deadline:
                raise HarnessError("the program never went quiet")
            if not self.alive():
                raise HarnessError("the program exited")
            time.sleep(0.005)

    def wait_screen(self, pred, deadline, what):
        """Feeds a screen with the output so far until `pred(screen)` holds."""
        screen = Screen(self.cols, self.rows)
        seen = 0
        while True:
            chunks = self.snapshot()
            for _, data in chunks[seen:]:
                screen.feed(data)
            seen = len(chunks)
            if pred(screen):
                return screen
            if now() > deadline:
                raise HarnessError(f"timed out waiting for {what}; screen:\n{screen.text()}")
            if not self.alive():
                raise HarnessError(f"the program exited waiting for {what}:\n{screen.text()}")
            time.sleep(0.02)

    def cpu(self, precise=False):
        if not self.alive():
            return 0.0
        return thread_cpu_seconds(self.pid) if precise else cpu_seconds(self.pid)

    def rss(self):
        return peak_rss_mb(self.pid) if self.alive() else 0.0

    def close(self, quit_keys=b"\x11", grace=5.0):
        """Quits with `quit_keys` (Ctrl+Q), then SIGTERM, then SIGKILL; reaps the child."""
        deadline = now() + grace
        if quit_keys and self.alive():
            self.write(quit_keys)
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig is not None and self.alive():
                try:
                    os.kill(self.pid, sig)
                except ProcessLookupError:
                    pass
                deadline = now() + grace
            while self.alive() and now() < deadline:
                time.sleep(0.01)
            if not self.alive():
                break
        self.reader.join(2)
        try:
            os.close(self.fd)
        except OSError:
            pass


# ---------------------------------------------------------------------------------------
# A minimal terminal emulator: enough of VT100/xterm for what ratatui + crossterm write
# ---------------------------------------------------------------------------------------

ESCAPE_RE = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1b[^\[\]]"  # two-character escapes
)
ESCAPE = re.compile(ESCAPE_RE)
TOKEN = re.compile(ESCAPE_RE + r"|[\r\n\b]|[^\x1b\r\n\b]+")


def cell_width(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class Screen:
    """Characters only (no colours): cursor moves, erases, text, wide characters."""

    def __init__(self, cols, rows):
        self.cols, self.rows = cols, rows
        self.grid = [[" "] * cols for _ in range(rows)]
        self.row = self.col = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.pending = ""

    def feed(self, data):
        text = self.pending + self.decoder.decode(data)
        self.pending = ""
        # An escape sequence cut by the end of a read waits for the rest.
        cut = text.rfind("\x1b")
        if cut >= 0 and len(text) - cut < 64 and ESCAPE.match(text, cut) is None:
            self.pending, text = text[cut:], text[:cut]
        for m in TOKEN.finditer(text):
            self._token(m.group())

    def _token(self, tok):
        if tok[0] == "\x1b":
            if tok.startswith("\x1b[") and len(tok) >= 3:
                self._csi(tok[2:-1], tok[-1])
            return
        if tok == "\r":
            self.col = 0
        elif tok == "\n":
            self.row = min(self.row + 1, self.rows - 1)
        elif tok == "\b":
            self.col = max(self.col - 1, 0)
        else:
            self._text(tok)

    def _text(self, run):
        line = self.grid[self.row]
        if run.isascii():
            end = min(self.col + len(run), self.cols)
            line[self.col : end] = list(run[: end - self.col])
            self.col = end
            return
        for ch in run:
            w = cell_width(ch)
            if w == 0:
                if self.col > 0:
                    line[self.col - 1] += ch
                continue
            if self.col + w > self.cols:
                break
            line[self.col] = ch
            if w == 2:
                line[self.col + 1] = ""
            self.col += w

    def _csi(self, params, final):
        if params.startswith("?") or params.startswith(">"):
            return  # private modes: nothing to draw
        nums = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []

        def arg(i, default):
            return nums[i] if len(nums) > i and nums[i] else default

        if final in "Hf":
            self.row = min(arg(0, 1), self.rows) - 1
            self.col = min(arg(1, 1), self.cols) - 1
        elif final == "J":
            if arg(0, 0) == 2 or arg(0, 0) == 3:
                self.grid = [[" "] * self.cols for _ in range(self.rows)]
            elif arg(0, 0) == 0:
                self.grid[self.row][self.col :] = [" "] * (self.cols - self.col)
                for r in range(self.row + 1, self.rows):
                    self.grid[r] = [" "] * self.cols
        elif final == "K":
            mode = arg(0, 0)
            if mode == 0:
                self.grid[self.row][self.col :] = [" "] * (self.cols - self.col)
            elif mode == 2:
                self.grid[self.row] = [" "] * self.cols
        elif final == "A":
            self.row = max(self.row - arg(0, 1), 0)
        elif final == "B":
            self.row = min(self.row + arg(0, 1), self.rows - 1)
        elif final == "C":
            self.col = min(self.col + arg(0, 1), self.cols - 1)
        elif final == "D":
            self.col = max(self.col - arg(0, 1), 0)
        elif final == "G":
            self.col = min(arg(0, 1), self.cols) - 1
        elif final == "d":
            self.row = min(arg(0, 1), self.rows) - 1

    def lines(self):
        return ["".join(r).rstrip() for r in self.grid]

    def text(self):
        return "\n".join(self.lines())

    def contains(self, needle):
        return any(needle in line for line in self.lines())

    def composer(self):
        """The composer's first line: the row under the border titled ` Message `."""
        lines = self.lines()
        for i in range(len(lines) - 1, -1, -1):
            if " Message " in lines[i] and i + 1 < len(lines):
                inner = lines[i + 1].strip()
                return inner.strip("│").strip()
        return None


# ---------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------


def client_env(url, home):
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": home,
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "MAVERA_BASE_URL": url,
        "MAVERA_API_KEY": KEY,
    }


def spawn_client(ctx, sim, home, args=None, size=None):
    cols, rows = size or ctx.size
    argv = [ctx.bin] + (args if args is not None else ["--persona", "CFO"])
    return Term(argv, client_env(sim.url, home), cols, rows)


def wait_ready(term, deadline, title="Message CFO"):
    """The persona is picked and the composer has focus; the screen has settled."""
    term.wait_screen(lambda s: s.contains(title), deadline, f"'{title}'")
    term.wait_quiet(0.3, deadline)


def first_time(chunks, cols, rows, pred, after=0.0):
    """The time of the first chunk after which the screen satisfies `pred`."""
    screen = Screen(cols, rows)
    for t, data in chunks:
        screen.feed(data)
        if t >= after and pred(screen):
            return t, screen
    return None, screen


def send_and_wait(sim, term, deadline, done, what, poll=0.02, precise=False):
    """Presses Enter after the typed prompt and waits until the simulator's records show
    the streams it started have all finished (`done(streams)` holds too), reading them
    every `poll` s. Returns the CPU and output position at the press, its time, and the
    finished streams."""
    since = len(sim.records())
    cpu0, start_index = term.cpu(precise), len(term.snapshot())
    sent = now()
    term.write("\r")
    while True:
        streams = sim.streams(since)
        if streams and done(streams) and all(r.get("finished_ms") is not None for r in streams):
            return cpu0, start_index, sent, streams
        if now() > deadline:
            raise HarnessError(what)
        time.sleep(poll)


# Paced streams last tens of seconds: the simulator's log is read 4 times a second
# rather than 50, which keeps the harness's own load off the machine being measured.
PACED_POLL = 0.25


def rates(cpu_s, written_mb, frames, seconds):
    """What a stream cost per second of streaming: CPU % of one core, frames and KB
    written. Frame intervals per second: the cap (one frame per 16 ms) bounds this at
    62.5 however short the stream, where frames / duration would not be."""
    seconds = max(seconds, 1e-3)
    return {
        "cpu_pct": 100 * cpu_s / seconds,
        "fps": max(frames - 1, 0) / seconds,
        "written_kb_s": written_mb * 1000 / seconds,
    }


def stream_once(sim, term, deadline, paced=False, precise=False):
    """Sends the prompt, waits for the server and then the client; returns metrics.
    `paced`: a stream of tens of seconds, whose CPU rate is also reported for each third
    of it (`cpu_growth`: the last third's steady rate over the middle one's, 1 when flat;
    the first third, while the answer fills the screen, is reported but not compared).
    `precise`: CPU to the nanosecond (`thread_cpu_seconds`) rather than in 10 ms ticks —
    always for a paced stream, whose ~0.2 s of CPU would otherwise be counted to ±5 %."""
    precise = precise or paced
    typed = now()
    term.write(PROMPT)
    term.wait_screen(lambda s: (s.composer() or "").startswith(PROMPT[:20]), deadline, "the typed prompt")
    term.wait_quiet(0.2, deadline, since=typed)
    sampler = CpuSampler(term.pid) if paced else None
    try:
        cpu0, start_index, sent, streams = send_and_wait(
            sim, term, deadline, lambda st: True, "the server did not finish the stream in time",
            poll=PACED_POLL if paced else 0.02, precise=precise,
        )
        server_end = sim.epoch + max(r["finished_ms"] for r in streams) / 1000.0
        last = term.wait_quiet(0.5, deadline, since=now())
        cpu1, rss = term.cpu(precise), term.rss()
    finally:
        if sampler:
            sampler.stop()
    chunks = term.snapshot()
    out = b"".join(d for _, d in chunks[start_index:])
    frames = out.count(SYNC_BEGIN)
    # Rendered: the first frame showing the answer's footer (`N tokens · M credits`),
    # which is drawn below the last line of text once the answer completes.
    done_t, screen = first_time(chunks, term.cols, term.rows, lambda s: s.contains("tokens ·"), after=sent)
    if done_t is None:
        raise HarnessError("the answer's footer never appeared; screen:\n" + screen.text())
    # After the answer: one more second of nothing.
    idle0 = term.total()
    time.sleep(1.0)
    after_bytes = term.total() - idle0
    metrics = {
        "wall_s": done_t - sent,
        "last_byte_s": last - sent,
        "lag_s": max(done_t - server_end, 0.0),
        "server_s": server_end - sent,
        "cpu_s": cpu1 - cpu0,
        "written_mb": len(out) / 1e6,
        "frames": frames,
        **rates(cpu1 - cpu0, len(out) / 1e6, frames, done_t - sent),
        "rss_mb": rss,
        "after_bytes": after_bytes,
    }
    if sampler:
        third = (server_end - sent) / 3
        for i, part in enumerate(("first", "middle", "last")):
            metrics[f"cpu_pct_{part}_third"] = sampler.percent(sent + i * third, sent + (i + 1) * third)
        # Growth compares each third's steady rate (the median of its windows), so that
        # another program's burst during one third does not read as the app's growth.
        middle = sampler.steady_percent(sent + third, sent + 2 * third)
        last_third = sampler.steady_percent(sent + 2 * third, sent + 3 * third)
        metrics["cpu_growth"] = last_third / middle if middle > 0 else float("nan")
    return metrics


def run_deadline(words, tps):
    """Every run's timeout, plus the time a paced answer takes to arrive."""
    return now() + SCENARIO_TIMEOUT + (words / tps if tps else 0.0)


def scenario_stream(ctx, words, tps=0, shape=None):
    """One answer: at full speed, or paced at `tps` tokens/s in the simulator's `shape`."""
    if shape and not help_lists(ctx, r"^\s+--shape\b", ["sim"]):
        raise Skip("`mavera-tui sim --shape` is not available in this build")
    sim = ctx.sim(words, tps, shape)
    with tempfile.TemporaryDirectory(prefix="mavera-bench-") as home:
        deadline = run_deadline(words, tps)
        term = spawn_client(ctx, sim, home)
        try:
            wait_ready(term, deadline)
            return stream_once(sim, term, deadline, paced=tps > 0)
        finally:
            term.close()


def scenario_idle(ctx):
    sim = ctx.sim(ctx.small_words)
    with tempfile.TemporaryDirectory(prefix="mavera-bench-") as home:
        deadline = now() + SCENARIO_TIMEOUT
        term = spawn_client(ctx, sim, home)
        try:
            wait_ready(term, deadline)
            term.wait_quiet(0.5, deadline)
            b0, c0, t0 = term.total(), term.cpu(), now()
            time.sleep(2.0)
            return {
                "idle_bytes": term.total() - b0,
                "idle_cpu_ms": (term.cpu() - c0) * 1000,
                "idle_s": now() - t0,
            }
        finally:
            term.close()


def key_latencies_idle(term, n, deadline):
    """Time from writing one letter to the first byte written after it (median of n)."""
    out = []
    for i in range(n):
        term.wait_quiet(0.05, deadline)
        before = term.total()
        t = now()
        term.write("abcdefghij"[i % 10])
        while term.total() == before:
            if now() > deadline:
                raise HarnessError("a key produced no output")
            time.sleep(0.0002)
        # The reader stamps chunks in order: the earliest one after `t` answers the key.
        out.append(min(ct for ct, _ in term.snapshot() if ct >= t) - t)
    return out


def scenario_keys_idle(ctx):
    sim = ctx.sim(ctx.small_words)
    with tempfile.TemporaryDirectory(prefix="mavera-bench-") as home:
        deadline = now() + SCENARIO_TIMEOUT
        term = spawn_client(ctx, sim, home)
        try:
            wait_ready(term, deadline)
            lat = key_latencies_idle(term, ctx.keys, deadline)
            return {"key_idle_ms": statistics.median(lat) * 1000, "key_idle_max_ms": max(lat) * 1000}
        finally:
            term.close()


def scenario_keys_load(ctx, words):
    """Letters typed while a full-speed answer renders: time until each shows in the
    composer (the first byte after a key is just the next streaming frame)."""
    sim = ctx.sim(words)
    with tempfile.TemporaryDirectory(prefix="mavera-bench-") as home:
        deadline = now() + SCENARIO_TIMEOUT
        term = spawn_client(ctx, sim, home)
        try:
            wait_ready(term, deadline)
            since = len(sim.records())
            typed = now()
            term.write(PROMPT)
            term.wait_quiet(0.3, deadline, since=typed)
            sent = now()
            term.write("\r")
            # Typing starts once the answer is under way (the server has the request).
            while not sim.streams(since) and now() < deadline:
                time.sleep(0.001)
            typed, keys = "", []
            for i in range(ctx.keys):
                ch = "qwertyuiop"[i % 10]
                typed += ch
                keys.append((now(), typed))
                term.write(ch)
                time.sleep(ctx.key_interval)
            term.wait_quiet(0.5, deadline, since=now())
            chunks = term.snapshot()
        finally:
            term.close()
    # The whole output is replayed (a frame writes only what changed), from `sent` on.
    done_t, _ = first_time(chunks, term.cols, term.rows, lambda s: s.contains("tokens ·"), after=sent)
    # One pass over the output: for each key, the first chunk whose screen shows it.
    lat, screen, k = [], Screen(term.cols, term.rows), 0
    for t, data in chunks:
        screen.feed(data)
        while k < len(keys) and t >= keys[k][0]:
            if not (screen.composer() or "").startswith(keys[k][1]):
                break
            lat.append((keys[k][0], t - keys[k][0]))
            k += 1
    if done_t is None:
        raise HarnessError("the answer's footer never appeared")
    # Under load: keys typed before the answer finished rendering.
    loaded = [d for typed_at, d in lat if typed_at < done_t]
    if not loaded:
        raise HarnessError(
            f"the answer rendered in {done_t - sent:.3f} s, before any key was typed "
            "(a longer one: --load-words)"
        )
    return {
        "key_load_ms": statistics.median(loaded) * 1000,
        "key_load_max_ms": max(loaded) * 1000,
        "keys_while_streaming": len(loaded),
        "stream_render_s": done_t - sent,
    }


def first_frame(chunks):
    """When the first complete frame (its end of synchronized output) was written."""
    acc = b""
    for t, data in chunks:
        acc += data
        if SYNC_END in acc:
            return t
    raise HarnessError("no complete frame")


def scenario_startup(ctx):
    sim = ctx.sim(ctx.small_words)
    with tempfile.TemporaryDirectory(prefix="mavera-bench-") as home:
        deadline = now() + SCENARIO_TIMEOUT
        # A first run fills the persona cache, as any earlier session would have.
        term = spawn_client(ctx, sim, home)
        try:
            wait_ready(term, deadline)
        finally:
            term.close()
        cache_dir = os.path.join(home, ".cache", "mavera-tui")
        names = os.listdir(cache_dir) if os.path.isdir(cache_dir) else []
        if not any(f.startswith("personas-") for f in names):
            raise HarnessError("the first run left no persona cache in $HOME/.cache/mavera-tui")
        term = spawn_client(ctx, sim, home)
        try:
            # Mostly asleep while the client starts: the harness must not compete with it.
            time.sleep(0.05)
            wait_ready(term, deadline)
            chunks = term.snapshot()
        finally:
            term.close()
    first = first_frame(chunks)
    picked, _ = first_time(chunks, term.cols, term.rows, lambda s: s.contains("Message CFO"))
    return {
        "start_frame_ms": (first - term.spawned) * 1000,
        "start_persona_ms": ((picked or first) - term.spawned) * 1000,
    }


def help_lists(ctx, pattern, command=()):
    """Whether `mavera-tui [COMMAND] --help` lists a flag or command (a regex, multi-line)."""
    try:
        argv = [ctx.bin, *command, "--help"]
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return re.search(pattern, out, re.MULTILINE) is not None


def scenario_compare(ctx, words, tps=0):
    """6 columns at once: at full speed, or each paced at `tps` tokens/s."""
    if not help_lists(ctx, r"^\s+--personas\b"):
        raise Skip("`--personas` is not available in this build")
    sim = ctx.sim(words, tps)
    panel = [p for p in sim.personas() if p.get("name") and "," not in p["name"]][:6]
    if len(panel) < 6:
        raise HarnessError(f"the simulator lists {len(panel)} personas, 6 are needed")
    with tempfile.TemporaryDirectory(prefix="mavera-bench-") as home:
        deadline = run_deadline(words, tps)
        names = ",".join(p["name"] for p in panel)
        term = spawn_client(ctx, sim, home, ["--personas", names], size=ctx.compare_size)
        try:
            term.wait_screen(lambda s: s.contains("Message all 6 personas"), deadline, "the 6-column panel")
            term.wait_quiet(0.3, deadline)
            return stream_once_compare(sim, term, deadline, [p.get("id") for p in panel], paced=tps > 0)
        finally:
            term.close()


# A column's bottom border once its answer is done: `└ 3  ✓ 413 tok · 3 cr ──┘`.
COLUMN_DONE = re.compile(r"[└─]\s*(\d)\s+✓\s*\d+ tok")


def stream_once_compare(sim, term, deadline, ids, paced=False):
    """One prompt to the 6 columns; each column's render lag after its own last byte.
    `paced`: streams of several seconds, so the simulator's log is read less often, and
    the CPU is counted to the nanosecond (`thread_cpu_seconds`)."""
    typed = now()
    term.write(PROMPT)
    term.wait_quiet(0.3, deadline, since=typed)
    cpu0, start_index, sent, streams = send_and_wait(
        sim, term, deadline, lambda st: len(st) >= 6, "the server did not finish the 6 streams in time",
        poll=PACED_POLL if paced else 0.02, precise=paced,
    )
    ends = {r.get("persona_id"): sim.epoch + r["finished_ms"] / 1000.0 for r in streams}
    term.wait_quiet(0.5, deadline, since=now())
    cpu1, rss = term.cpu(paced), term.rss()
    chunks = term.snapshot()
    out = b"".join(d for _, d in chunks[start_index:])
    # When each column (1-based, in marking order) first shows itself done.
    done, screen = {}, Screen(term.cols, term.rows)
    for t, data in chunks:
        screen.feed(data)
        if t < sent:
            continue
        for line in screen.lines()[-8:]:
            for m in COLUMN_DONE.finditer(line):
                done.setdefault(int(m.group(1)), t)
        if len(done) == len(ids):
            break
    lags = [done[i + 1] - ends[pid] for i, pid in enumerate(ids) if i + 1 in done and pid in ends]
    if len(lags) < len(ids):
        raise HarnessError(f"only {len(lags)} of {len(ids)} columns showed their answer done")
    wall_s, frames = max(done.values()) - sent, out.count(SYNC_BEGIN)
    return {
        "cmp_cpu_s": cpu1 - cpu0,
        "cmp_lag_s": max(max(lags), 0.0),
        "cmp_wall_s": wall_s,
        "cmp_written_mb": len(out) / 1e6,
        "cmp_frames": frames,
        **rates(cpu1 - cpu0, len(out) / 1e6, frames, wall_s),
        "cmp_rss_mb": rss,
    }


def transcript(messages, persona, seed=1):
    """The project's export format: one thread of `messages` (~500 B each, ~5 MB)."""
    rng = random.Random(seed)
    words = ("price plan margin customers value risk growth the a of to is and budget "
             "quarter retention churn brand trust market segment forecast pricing").split()

    def sentence():
        s = " ".join(rng.choice(words) for _ in range(rng.randint(8, 18)))
        return s[0].upper() + s[1:] + "."

    msgs = []
    for i in range(messages):
        if i % 2 == 0:
            msgs.append({"role": "user", "text": sentence(), "status": "completed", "usage": None})
        else:
            parts = [" ".join(sentence() for _ in range(rng.randint(2, 4))) for _ in range(2)]
            parts.insert(1, "\n".join(f"- {sentence()}" for _ in range(3)))
            msgs.append(
                {"role": "assistant", "text": "\n\n".join(parts), "status": "completed", "usage": None}
            )
    return {
        "format": "mavera-tui/transcript",
        "version": 1,
        "threads": [{"persona": persona, "messages": msgs}],
    }


def scenario_thread(ctx, messages):
    if not help_lists(ctx, r"^\s+import\s"):
        raise Skip("`mavera-tui import FILE` is not available in this build")
    sim = ctx.sim(ctx.small_words)
    with tempfile.TemporaryDirectory(prefix="mavera-bench-") as home:
        path = os.path.join(home, "thread.json")
        cfo = next((p for p in sim.personas() if p.get("name") == "CFO"), {})
        defaults = (("id", "ccfo"), ("name", "CFO"), ("category", "Professional"))
        persona = {k: cfo.get(k, d) for k, d in defaults}
        with open(path, "w") as f:
            json.dump(transcript(messages, persona), f)
        size_mb = os.path.getsize(path) / 1e6
        deadline = now() + SCENARIO_TIMEOUT
        term = spawn_client(ctx, sim, home, ["import", path])
        try:
            while SYNC_END not in b"".join(d for _, d in term.snapshot()):
                if now() > deadline or not term.alive():
                    raise HarnessError("the imported thread never drew a frame")
                time.sleep(0.001)
            term.wait_quiet(0.5, deadline)
            chunks = term.snapshot()
            opened, _ = first_time(chunks, term.cols, term.rows, lambda s: s.contains("▌"))
            # Page scrolls: each waits for its frame; CPU over all of them.
            scrolls = 50  # CPU is counted in 10 ms ticks: many scrolls, then the mean
            cpu0 = term.cpu()
            for _ in range(scrolls):
                before = term.total()
                term.write("\x1b[5~")  # PgUp
                while term.total() == before and now() < deadline:
                    time.sleep(0.001)
                term.wait_quiet(0.05, deadline)
            cpu1 = term.cpu()
            rss = term.rss()
        finally:
            term.close()
    return {
        "open_ms": ((opened or chunks[-1][0]) - term.spawned) * 1000,
        "scroll_cpu_ms": (cpu1 - cpu0) * 1000 / scrolls,
        "thread_rss_mb": rss,
        "thread_file_mb": size_mb,
    }


def history_path(home):
    return os.path.join(home, ".local", "share", "mavera-tui", "history.db")


def history_template(ctx):
    """A large history, made once per invocation by `benches/history.rs` (through the
    app's own store: its schema, indexes and triggers); runs copy it."""
    if ctx.history_template:
        return ctx.history_template
    print("== cargo bench --bench history --no-run", flush=True)
    built = subprocess.run(
        ["cargo", "bench", "--bench", "history", "--no-run", "--message-format=json"],
        cwd=ctx.root, capture_output=True, text=True,
    )
    executable = None
    for line in built.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("target", {}).get("name") == "history":
            executable = msg.get("executable") or executable
    if built.returncode or not executable:
        raise HarnessError("could not build benches/history.rs:\n" + built.stderr[-2000:])
    path = os.path.join(ctx.home, "history-template.db")
    size = HISTORY_QUICK if ctx.quick else HISTORY_FULL
    print(f"   generating a history of {size[0]} threads, {size[1]} messages", flush=True)
    env = dict(os.environ, MAVERA_HISTORY_FIXTURE=path,
               MAVERA_HISTORY_FIXTURE_SIZE=",".join(str(n) for n in size))
    if subprocess.run([executable], env=env).returncode or not os.path.exists(path):
        raise HarnessError("benches/history.rs made no history")
    ctx.history_template = path
    return path


def scenario_history(ctx):
    """Start-up and `--resume` with a large history (`history_db`)."""
    if not help_lists(ctx, r"^\s+--resume\b"):
        raise Skip("`--resume` is not available in this build")
    sim = ctx.sim(ctx.small_words)
    template = history_template(ctx)
    with tempfile.TemporaryDirectory(prefix="mavera-bench-") as home:
        deadline = now() + SCENARIO_TIMEOUT
        # A first run fills the persona cache, as any earlier session would have.
        term = spawn_client(ctx, sim, home)
        try:
            wait_ready(term, deadline)
        finally:
            term.close()
        db = history_path(home)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        shutil.copyfile(template, db)
        term = spawn_client(ctx, sim, home)
        try:
            time.sleep(0.05)  # mostly asleep while the client starts
            wait_ready(term, deadline)
            started = first_frame(term.snapshot()) - term.spawned
        finally:
            term.close()
        term = spawn_client(ctx, sim, home, ["--resume"])
        try:
            term.wait_screen(lambda s: s.contains(HISTORY_LAST_WORD), deadline,
                             "the reopened thread's last answer")
            chunks = term.snapshot()
            term.wait_quiet(0.3, deadline)
            resumed, _ = first_time(chunks, term.cols, term.rows, lambda s: s.contains(HISTORY_LAST_WORD))
            resumed = (resumed or chunks[-1][0]) - term.spawned
            view, searches = history_view_times(term, deadline)
        finally:
            term.close()
        size_mb = os.path.getsize(template) / 1e6
    out = {"hist_start_ms": started * 1000, "hist_resume_ms": resumed * 1000, "hist_db_mb": size_mb}
    if view is not None:
        out["hist_view_ms"] = view * 1000
    if searches:
        out["hist_search_ms"] = statistics.median(searches) * 1000
    return out


# Searches of the history view: a rare word, a prefix found in most messages, and a
# word of a script written without spaces.
HISTORY_SEARCHES = ("zanzibar", "pric", "定价")


def history_view_times(term, deadline):
    """Ctrl+F -> the frame listing conversations; then each of `HISTORY_SEARCHES`, pasted
    at once (one query) -> the frame showing its hits. Returns seconds."""
    def after(t0, pred, what):
        term.wait_screen(lambda s: pred(s), deadline, what)
        t, _ = first_time(term.snapshot(), term.cols, term.rows, pred, after=t0)
        return t - t0 if t is not None else None

    t0 = now()
    term.write("\x06")  # Ctrl+F
    view = after(t0, lambda s: s.contains("conversations"), "the history view's list")
    searches = []
    for word in HISTORY_SEARCHES:
        term.wait_quiet(0.2, deadline)
        t0 = now()
        term.write(f"\x1b[200~{word}\x1b[201~")
        # The hits: the word is on the search line and in at least one snippet.
        hits = after(t0, lambda s, w=word: s.text().count(w) >= 2 and s.contains("message"),
                     f"the hits for '{word}'")
        if hits is not None:
            searches.append(hits)
        term.write("\x7f" * len(word))  # back to the list
        term.wait_screen(lambda s: s.contains("conversations"), deadline, "the list again")
    return view, searches


CHECKPOINT_PAIRS = 3


def scenario_checkpoints(ctx, words):
    """What the history costs a full-speed answer: the same stream with the history on
    and off, alternately, CPU to the nanosecond."""
    sim = ctx.sim(words)
    # The difference is a few milliseconds of ~30, about the spread of one run: each run
    # takes the median of CHECKPOINT_PAIRS alternating pairs.
    cpu = {True: [], False: []}
    for _ in range(CHECKPOINT_PAIRS):
        for history in (True, False):
            with tempfile.TemporaryDirectory(prefix="mavera-bench-") as home:
                if not history:
                    config = os.path.join(home, ".config", "mavera-tui")
                    os.makedirs(config)
                    with open(os.path.join(config, "config.toml"), "w") as f:
                        f.write("[history]\nenabled = false\n")
                deadline = run_deadline(words, 0)
                term = spawn_client(ctx, sim, home)
                try:
                    wait_ready(term, deadline)
                    cpu[history].append(stream_once(sim, term, deadline, precise=True)["cpu_s"])
                finally:
                    term.close()
    on, off = statistics.median(cpu[True]), statistics.median(cpu[False])
    return {
        "hist_on_cpu_s": on,
        "hist_off_cpu_s": off,
        "hist_cost_pct": 100 * (on - off) / off if off > 0 else float("nan"),
    }


def scenario_peer(ctx, words):
    cmd = shlex.split(ctx.peer)
    exe = shutil.which(cmd[0]) if cmd else None
    if not exe:
        raise Skip(f"peer `{ctx.peer}` is not installed")
    sim = ctx.sim(words)
    with tempfile.TemporaryDirectory(prefix="mavera-peer-") as tmp:
        home = ctx.peer_home or tmp
        env = client_env(sim.url, home)
        env.update({"OPENAI_BASE_URL": sim.root + "/v1", "OPENAI_API_KEY": KEY})
        # Only the simulator on loopback: anything else a peer might fetch (update
        # checks, telemetry) goes to a closed loopback port, for clients that honour it.
        dead = "http://127.0.0.1:9"
        env.update({"HTTP_PROXY": dead, "HTTPS_PROXY": dead, "ALL_PROXY": dead,
                    "http_proxy": dead, "https_proxy": dead, "all_proxy": dead,
                    "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"})
        deadline = now() + PEER_TIMEOUT
        term = Term([exe] + cmd[1:], env, *ctx.size)
        try:
            time.sleep(1.0)
            term.wait_quiet(1.0, deadline)
            typed = now()
            term.write(PROMPT)
            term.wait_quiet(0.5, deadline, since=typed)
            cpu0, start_index, sent, streams = send_and_wait(
                sim, term, deadline, lambda st: True, "the peer's request never finished (did it send one?)"
            )
            server_end = sim.epoch + max(r["finished_ms"] for r in streams) / 1000.0
            last = term.wait_quiet(2.0, deadline, since=now())
            cpu1, rss = term.cpu(), term.rss()
            out = b"".join(d for _, d in term.snapshot()[start_index:])
        finally:
            term.close(quit_keys=b"\x03\x03")
    return {
        "peer_wall_s": last - sent,
        "peer_lag_s": max(last - server_end, 0.0),
        "peer_cpu_s": cpu1 - cpu0,
        "peer_written_mb": len(out) / 1e6,
        "peer_frames": out.count(SYNC_BEGIN),
        "peer_rss_mb": rss,
    }


# ---------------------------------------------------------------------------------------
# Targets, the table, the exit code
# ---------------------------------------------------------------------------------------

# (scenario, metric, label, comparison, target, scales with the answer's size)
TARGETS = [
    ("stream20k", "lag_s", "rendered after the last byte (s)", "<=", 0.5, False),
    ("stream20k", "cpu_s", "client CPU (s)", "<=", 1.0, True),
    ("stream20k", "written_mb", "written to the terminal (MB)", "<=", 1.5, True),
    ("stream20k", "fps", "frames per second of streaming", "<=", 60.0, False),
    ("stream20k", "after_bytes", "bytes written 1 s after the answer", "<=", 0, False),
    ("compare6", "cmp_cpu_s", "6 columns: client CPU (s)", "<=", 1.5, True),
    ("compare6", "cmp_lag_s", "6 columns: slowest column rendered after its last byte (s)", "<=", 0.5, False),
    ("paced_paragraph", "cpu_pct", "3,000-word paragraph at 100 tok/s: CPU (% of a core)", "<=", 1.0, False),
    ("paced_paragraph", "written_mb", "3,000-word paragraph at 100 tok/s: written (MB)", "<=", 0.5, True),
    ("paced_paragraph10k", "cpu_pct", "10,000-word paragraph at 100 tok/s: CPU (% of a core)", "<=", 1.0, False),
    ("paced_paragraph10k", "cpu_growth", "10,000-word paragraph: CPU growth, last / middle third", "<=", 1.15, False),
    ("paced_paragraphs", "cpu_pct", "3,000 words in paragraphs at 100 tok/s: CPU (% of a core)", "<=", 1.0, False),
    ("paced_compare6", "cpu_pct", "6 columns at 100 tok/s each: CPU (% of a core)", "<=", 3.0, False),
    ("paced_compare6", "written_kb_s", "6 columns at 100 tok/s each: written (KB/s)", "<=", 100.0, False),
    ("idle", "idle_bytes", "bytes written in 2 s idle", "<=", 0, False),
    ("keys_idle", "key_idle_ms", "keystroke -> first byte, idle (ms)", "<=", 2.0, False),
    ("keys_load", "key_load_ms", "keystroke -> echo, full-speed stream (ms)", "<=", 20.0, False),
    ("startup", "start_frame_ms", "start -> first complete frame, cached (ms)", "<=", 100.0, False),
    ("thread10k", "open_ms", "10,000 messages: open (ms)", "<=", 200.0, False),
    ("thread10k", "scroll_cpu_ms", "10,000 messages: CPU per page scroll (ms)", "<=", 5.0, False),
    ("thread10k", "thread_rss_mb", "10,000 messages: peak RSS (MB)", "<=", 80.0, False),
    ("history10k", "hist_start_ms", "history of 100,000 messages: start -> first frame (ms)", "<=", 100.0, False),
    ("history10k", "hist_resume_ms", "history: --resume of a 10,000-message thread (ms)", "<=", 200.0, False),
    ("history10k", "hist_view_ms", "history: Ctrl+F -> the list on screen (ms)", "<=", 50.0, False),
    ("history10k", "hist_search_ms", "history: a search -> its hits on screen, median of 3 (ms)", "<=", 50.0, False),
    ("checkpoints", "hist_cost_pct", "history: CPU it adds to a full-speed 20,000-word answer (%)", "<=", 10.0, False),
    ("criterion", "parser_mb_s", "streaming parser, bytes -> events (MB/s)", ">=", 200.0, False),
    ("criterion", "paced_frame_us", "a paced frame's own work: 5 deltas, a tick, the frame (us)", "<=", 100.0, False),
]

# Reported without a target (context for the numbers above).
INFO = [
    ("stream20k", "wall_s", "send -> answer rendered (s)"),
    ("stream20k", "server_s", "send -> server's last byte (s)"),
    ("stream20k", "frames", "frames"),
    ("stream20k", "rss_mb", "peak RSS (MB)"),
    ("stream2k", "wall_s", "2,000 words: send -> rendered (s)"),
    ("stream2k", "lag_s", "2,000 words: rendered after the last byte (s)"),
    ("stream2k", "cpu_s", "2,000 words: client CPU (s)"),
    ("stream2k", "written_mb", "2,000 words: written (MB)"),
    ("stream2k", "frames", "2,000 words: frames"),
    ("compare6", "cmp_wall_s", "6 columns: send -> all rendered (s)"),
    ("compare6", "cmp_written_mb", "6 columns: written (MB)"),
    ("compare6", "cmp_frames", "6 columns: frames"),
    ("compare6", "cmp_rss_mb", "6 columns: peak RSS (MB)"),
    ("history10k", "hist_db_mb", "history: database size (MB)"),
    ("checkpoints", "hist_on_cpu_s", "20,000-word answer, history on: CPU (s)"),
    ("checkpoints", "hist_off_cpu_s", "20,000-word answer, history off: CPU (s)"),
    ("paced_paragraph", "cpu_s", "3,000-word paragraph: CPU (s)"),
    ("paced_paragraph", "wall_s", "3,000-word paragraph: send -> rendered (s)"),
    ("paced_paragraph", "fps", "3,000-word paragraph: frames per second"),
    ("paced_paragraph", "written_kb_s", "3,000-word paragraph: written (KB/s)"),
    ("paced_paragraph", "cpu_growth", "3,000-word paragraph: CPU growth, last / middle third"),
    ("paced_paragraph10k", "cpu_s", "10,000-word paragraph: CPU (s)"),
    ("paced_paragraph10k", "cpu_pct_first_third", "10,000-word paragraph: CPU % in the first third"),
    ("paced_paragraph10k", "cpu_pct_middle_third", "10,000-word paragraph: CPU % in the middle third"),
    ("paced_paragraph10k", "cpu_pct_last_third", "10,000-word paragraph: CPU % in the last third"),
    ("paced_paragraph10k", "fps", "10,000-word paragraph: frames per second"),
    ("paced_paragraph10k", "written_mb", "10,000-word paragraph: written (MB)"),
    ("paced_paragraph10k", "written_kb_s", "10,000-word paragraph: written (KB/s)"),
    ("paced_paragraphs", "cpu_s", "3,000 words in paragraphs: CPU (s)"),
    ("paced_paragraphs", "fps", "3,000 words in paragraphs: frames per second"),
    ("paced_paragraphs", "written_mb", "3,000 words in paragraphs: written (MB)"),
    ("paced_paragraphs", "written_kb_s", "3,000 words in paragraphs: written (KB/s)"),
    ("paced_compare6", "cmp_cpu_s", "6 columns at 100 tok/s: CPU (s)"),
    ("paced_compare6", "cmp_wall_s", "6 columns at 100 tok/s: send -> all rendered (s)"),
    ("paced_compare6", "fps", "6 columns at 100 tok/s: frames per second"),
    ("paced_compare6", "cmp_written_mb", "6 columns at 100 tok/s: written (MB)"),
    ("paced_compare6", "cmp_lag_s", "6 columns at 100 tok/s: slowest column rendered after its last byte (s)"),
    ("idle", "idle_cpu_ms", "CPU in 2 s idle (ms, 10 ms ticks)"),
    ("keys_idle", "key_idle_max_ms", "keystroke, idle: slowest (ms)"),
    ("keys_load", "key_load_max_ms", "keystroke under load: slowest (ms)"),
    ("keys_load", "keys_while_streaming", "keys typed while the answer rendered"),
    ("startup", "start_persona_ms", "start -> persona picked on screen (ms)"),
    ("thread10k", "thread_file_mb", "10,000 messages: transcript (MB)"),
]


# Words per answer of the scenarios that --quick shortens: (full run, --quick). A paced
# answer takes words / PACED_TPS seconds; targets that scale with the answer's size are
# scaled down with it in --quick.
WORDS = {
    "stream20k": (20000, 5000),
    "compare6": (5000, 1000),
    "paced_paragraph": (3000, 500),
    "paced_paragraph10k": (10000, 1000),
    "paced_paragraphs": (3000, 500),
    "paced_compare6": (1000, 500),
}
# The generated history (`benches/history.rs`): threads, messages, the longest thread,
# and the word only that thread's last answer holds (as the generator writes it).
HISTORY_LAST_WORD = "quokkafinale"
HISTORY_FULL = (10_000, 100_000, 10_000)
HISTORY_QUICK = (2_000, 20_000, 2_000)
# A real model's pace (30-150 tokens/s): one delta, one word, per token.
PACED_TPS = 100


def verdict(value, cmp, target):
    """ok, miss (worse, within the 2x noise margin) or FAIL (worse than 2x)."""
    if value != value:  # NaN
        return "n/a"
    if cmp == "<=":
        if value <= target:
            return "ok"
        return "miss" if value <= 2 * target else "FAIL"
    if value >= target:
        return "ok"
    return "miss" if value * 2 >= target else "FAIL"


def fmt(v):
    if isinstance(v, float):
        if v != v:
            return "n/a"
        return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
    return str(v)


def criterion_median(target_dir, group, name):
    """The median time of `group/name` in criterion's last run, in ns, and its benchmark
    description (throughput); `None` when it has not run."""
    base = os.path.join(target_dir, "criterion", group, name, "new")
    try:
        with open(os.path.join(base, "estimates.json")) as f:
            ns = json.load(f)["median"]["point_estimate"]
        with open(os.path.join(base, "benchmark.json")) as f:
            info = json.load(f)
    except (OSError, KeyError, ValueError, TypeError):
        return None
    return ns, info


def criterion_results(target_dir):
    """From criterion's last runs: the streaming parser's throughput (`sse`, MB/s) and
    the app's own work per paced frame (`paced_frame`, µs)."""
    found = {}
    parser = criterion_median(target_dir, "sse", "frames_decode_4.5MB")
    if parser and isinstance(parser[1].get("throughput"), dict) and "Bytes" in parser[1]["throughput"]:
        found["parser_mb_s"] = parser[1]["throughput"]["Bytes"] / (parser[0] / 1e9) / 1e6
    frame = criterion_median(target_dir, "paced_frame", "one_paragraph_120x40")
    if frame:
        found["paced_frame_us"] = frame[0] / 1e3
    return found


class Context:
    def __init__(self, args, binary, target_dir, root):
        self.bin = binary
        self.target_dir = target_dir
        self.size = parse_size(args.size)
        self.compare_size = parse_size(args.compare_size)
        self.quick = args.quick
        self.runs = 1 if args.quick else args.runs
        self.keys = 10 if args.quick else 20
        self.small_words = 200
        # Keys under load come close together: a full-speed 20,000-word answer renders
        # in a fraction of a second, and only keys typed before it is done count.
        self.key_interval = args.key_interval
        self.load_words = args.load_words or (5000 if args.quick else 20000)
        self.peer = args.peer
        self.peer_home = args.peer_home
        self.sims = {}
        self.home = tempfile.mkdtemp(prefix="mavera-sim-")
        self.history_template = None
        self.root = root

    def words(self, scenario):
        """Words per answer of a scenario that --quick shortens (see `WORDS`)."""
        full, quick = WORDS[scenario]
        return quick if self.quick else full

    def sim(self, words, tps=0, shape=None):
        key = (words, tps, shape)
        if key not in self.sims:
            self.sims[key] = Sim(self.bin, self.home, words, tps, shape)
        return self.sims[key]

    def close(self):
        for s in self.sims.values():
            s.stop()
        shutil.rmtree(self.home, ignore_errors=True)


def parse_size(text):
    m = re.fullmatch(r"(\d+)x(\d+)", text)
    if not m:
        raise SystemExit(f"bad size {text!r}: expected COLSxROWS, e.g. 120x40")
    return int(m.group(1)), int(m.group(2))


def cargo_target_dir(root):
    try:
        out = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps"],
            cwd=root, capture_output=True, text=True, timeout=120, check=True,
        ).stdout
        return json.loads(out)["target_directory"]
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        return os.path.join(root, "target")


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--bin", help="the mavera-tui binary (default: cargo build --release)")
    ap.add_argument("--quick", action="store_true", help="1 run, smaller sizes")
    ap.add_argument("--runs", type=int, default=3, help="runs per scenario (default 3)")
    ap.add_argument("--scenario", action="append", choices=SCENARIOS, help="run only these (repeatable)")
    ap.add_argument("--size", default="120x40", help="terminal size (default 120x40)")
    ap.add_argument(
        "--compare-size", default="220x50", help="terminal size of the 6-column compare (all 6 fit)"
    )
    ap.add_argument("--peer", help="another client to run on the same stream, e.g. codex")
    ap.add_argument("--peer-home", help="HOME for the peer (its login and settings)")
    ap.add_argument("--load-words", type=int, help="answer length for keys_load (default 20000)")
    ap.add_argument("--key-interval", type=float, default=0.004, help="seconds between keys under load")
    ap.add_argument("--criterion", action="store_true", help="run the SSE criterion benchmark first")
    ap.add_argument("--json", help="write every run's measurements to this file")
    args = ap.parse_args()
    if not sys.platform.startswith("linux"):
        raise SystemExit("bench/run.py reads /proc: Linux only")

    target_dir = cargo_target_dir(root)
    if args.bin:
        binary = os.path.abspath(args.bin)
    else:
        print("== cargo build --release", flush=True)
        if subprocess.run(["cargo", "build", "--release", "--bin", "mavera-tui"], cwd=root).returncode:
            raise SystemExit("cargo build --release failed")
        binary = os.path.join(target_dir, "release", "mavera-tui")
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"no executable at {binary}")
    if args.criterion:
        print("== cargo bench --bench core -- 'sse|paced_frame'", flush=True)
        subprocess.run(["cargo", "bench", "--bench", "core", "--", "sse|paced_frame", "--quick"], cwd=root)

    ctx = Context(args, binary, target_dir, root)
    long_words = ctx.words("stream20k")
    thread_messages = 2000 if ctx.quick else 10000
    plan = {
        "stream20k": lambda: scenario_stream(ctx, long_words),
        "stream2k": lambda: scenario_stream(ctx, 2000),
        "idle": lambda: scenario_idle(ctx),
        "keys_idle": lambda: scenario_keys_idle(ctx),
        "keys_load": lambda: scenario_keys_load(ctx, ctx.load_words),
        "startup": lambda: scenario_startup(ctx),
        "compare6": lambda: scenario_compare(ctx, ctx.words("compare6")),
        "thread10k": lambda: scenario_thread(ctx, thread_messages),
        "paced_paragraph": lambda: scenario_stream(ctx, ctx.words("paced_paragraph"), PACED_TPS, "paragraph"),
        "paced_paragraph10k": lambda: scenario_stream(ctx, ctx.words("paced_paragraph10k"), PACED_TPS, "paragraph"),
        "paced_paragraphs": lambda: scenario_stream(ctx, ctx.words("paced_paragraphs"), PACED_TPS),
        "paced_compare6": lambda: scenario_compare(ctx, ctx.words("paced_compare6"), PACED_TPS),
        "history10k": lambda: scenario_history(ctx),
        "checkpoints": lambda: scenario_checkpoints(ctx, long_words),
    }
    chosen = args.scenario or list(plan)
    results, notes, unmeasured = {}, [], []
    try:
        for name in chosen:
            runs, skipped = [], False
            for i in range(ctx.runs):
                print(f"== {name} run {i + 1}/{ctx.runs}", flush=True)
                try:
                    runs.append(plan[name]())
                except Skip as e:
                    notes.append(f"{name}: skipped: {e}")
                    skipped = True
                    break
                except HarnessError as e:
                    notes.append(f"{name} run {i + 1}: could not measure: {e}")
                    print(f"   could not measure: {e}", flush=True)
                    continue
                print("   " + ", ".join(f"{k}={fmt(v)}" for k, v in runs[-1].items()), flush=True)
            if runs:
                results[name] = runs
            elif not skipped:
                unmeasured.append(name)
        if ctx.peer:
            print(f"== peer `{ctx.peer}` on the same {long_words}-word stream", flush=True)
            runs = []
            for i in range(ctx.runs):
                try:
                    runs.append(scenario_peer(ctx, long_words))
                except Skip as e:
                    notes.append(f"peer: skipped, {e}")
                    break
                except HarnessError as e:
                    notes.append(f"peer run {i + 1}: could not measure: {e}")
                    continue
                print("   " + ", ".join(f"{k}={fmt(v)}" for k, v in runs[-1].items()), flush=True)
            if runs:
                results["peer"] = runs
    finally:
        ctx.close()

    measured = criterion_results(target_dir)
    if measured:
        results["criterion"] = [measured]
        notes.append("criterion rows: from its last `sse/frames_decode_4.5MB` and "
                     "`paced_frame/one_paragraph_120x40` runs (refresh: --criterion, or "
                     "cargo bench --bench core -- 'sse|paced_frame')")
    else:
        notes.append("criterion rows: no criterion result (cargo bench --bench core -- "
                     "'sse|paced_frame', or --criterion)")

    def median(scn, metric):
        vals = [r[metric] for r in results.get(scn, []) if metric in r]
        if not vals:
            return None, 0
        # Counts stay whole numbers (the lower median of an even number of runs).
        pick = statistics.median_low if all(isinstance(v, int) for v in vals) else statistics.median
        return pick(vals), len(vals)

    def quick_words(scn):
        """The shorter answer --quick gives `scn` (None when it has the full size)."""
        full, used = WORDS.get(scn, (None, None))
        return used if ctx.quick and used != full else None

    rows, failed = [], False
    for scn, metric, label, cmp, target, scales in TARGETS:
        value, n = median(scn, metric)
        if value is None:
            continue
        used = quick_words(scn)
        if used and scales:
            target = target * used / WORDS[scn][0]
            label += f" [scaled to {used} words]"
        elif used:
            label += f" [quick: {used} words]"
        v = verdict(value, cmp, target)
        failed |= v == "FAIL"
        rows.append((scn, label, f"{cmp} {fmt(target)}", fmt(value), str(n), v))
    for scn, metric, label in INFO:
        value, n = median(scn, metric)
        if value is not None:
            used = quick_words(scn)
            rows.append((scn, label + (f" [quick: {used} words]" if used else ""), "", fmt(value), str(n), ""))
    if "peer" in results:
        for ours_scn, ours, theirs, label in [
            ("stream20k", "last_byte_s", "peer_wall_s", "send -> last byte written (s)"),
            ("stream20k", "cpu_s", "peer_cpu_s", "client CPU (s)"),
            ("stream20k", "written_mb", "peer_written_mb", "written (MB)"),
            ("stream20k", "rss_mb", "peer_rss_mb", "peak RSS (MB)"),
        ]:
            p, n = median("peer", theirs)
            o, _ = median(ours_scn, ours)
            if p is not None:
                ratio = f"peer/ours {p / o:.1f}x" if o else ""
                peer_name = os.path.basename(shlex.split(ctx.peer)[0])
                rows.append(("peer", f"{peer_name}: {label}", ratio, fmt(p), str(n), ""))

    head = ("scenario", "measure", "target", "median", "runs", "")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    print()
    print(f"mavera-tui end-to-end benchmarks: {binary}, {ctx.size[0]}x{ctx.size[1]}, "
          f"{os.cpu_count()} CPUs, medians of {ctx.runs} run(s)")
    if ctx.quick:
        shortened = ", ".join(f"{scn} {ctx.words(scn)}" for scn in WORDS)
        print(f"quick: fewer words per answer ({shortened}; keys_load {ctx.load_words}), "
              f"{thread_messages} messages for thread10k")
    for r in [head] + rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    for n in notes:
        print("note: " + n)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"results": results, "notes": notes}, f, indent=1)
    if unmeasured:
        print("FAIL: could not measure " + ", ".join(unmeasured))
    if failed:
        print("FAIL: a target is missed by more than 2x")
    return 1 if failed or unmeasured else 0


SCENARIOS = ["stream20k", "stream2k", "idle", "keys_idle", "keys_load", "startup", "compare6", "thread10k",
             "paced_paragraph", "paced_paragraph10k", "paced_paragraphs", "paced_compare6",
             "history10k", "checkpoints"]

if __name__ == "__main__":
    sys.exit(main())
