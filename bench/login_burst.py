#!/usr/bin/env python3
"""Shows the server's memory while a burst of parallel sign-in attempts arrives.

Every sign-in check runs an Argon2id hash that allocates 19 MiB, so N parallel `POST /login`
can cost N × 19 MiB unless the server bounds how many hashes run at once. This script starts
a fresh server on a temporary database, prepares one sign-in form per attempt (cookie and
CSRF token, as a browser would), releases all the POSTs at the same moment and samples the
server's resident memory while they are answered.

Half the attempts use a wrong password for a real account, half an unknown email. With
`--clients many` (the default) the server trusts 127.0.0.1 as a reverse proxy and every
attempt carries its own client address in `X-Forwarded-For` (documentation ranges, written in
a header only: all traffic stays on 127.0.0.1), so the per-address limits do not stop the
burst before it reaches the password checks: this is the worst case for memory. With
`--clients one` every attempt is 127.0.0.1 and the address limit refuses most of the burst
(429) before any hash. The table reports whatever statuses came back.

With `--readers PATH` (needs wrk), 64 connections (`--reader-connections`) read PATH for
`--reader-seconds` before the first burst, alone, and again around every burst, starting half
a second before it: the table then shows what the burst does to readers' throughput and p99.

Usage: bench/login_burst.py [BINARY] [--attempts 200] [--rounds 3] [--limit-mib 96]
                            [--readers PATH] [--reader-connections 64] [--reader-seconds 6]
       (BINARY defaults to target/release/stackatlas; Python 3.11 standard library only)

Exit status: 0 when the peak stayed within --limit-mib, 1 when it did not, 2 when the server
could not be started or died, 130 when interrupted. The server is always stopped and the
temporary folder removed.
"""

import argparse
import html.parser
import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
ACCOUNT_EMAIL = "bench@example.com"
# Never sent: every attempt in the burst is meant to fail, so no session is created and the
# failure counters are not cleared between rounds.
ACCOUNT_PASSWORD = "bench-password-never-sent"
CSRF_COOKIE = "stackatlas_login_csrf"
SAMPLE_SECONDS = 0.010
HEALTH_WAIT_SECONDS = 60.0
CLI_WAIT_SECONDS = 120.0
STOP_WAIT_SECONDS = 10.0
# The forms are fetched by a few threads rather than all at once: only the POSTs are the burst.
PREPARE_THREADS = 16
EXIT_OVER_LIMIT, EXIT_SERVER_FAILED, EXIT_INTERRUPTED = 1, 2, 130


class BenchError(Exception):
    """The benchmark could not run (server did not start, died, or setup failed)."""


@dataclass
class Attempt:
    """One sign-in attempt: its own connection, the form's cookie and token, and its answer."""

    conn: http.client.HTTPConnection
    email: str
    password: str
    client: str | None = None
    cookie: str = ""
    token: str = ""
    outcome: str = "no answer"
    finished: float = 0.0


@dataclass
class RoundResult:
    """What one burst produced, for one row of the table."""

    number: int
    attempts: int
    rss_before_kib: int
    peak_rss_kib: int
    hwm_kib: int
    seconds: float
    outcomes: Counter = field(default_factory=Counter)
    server_died: bool = False
    # Readers' requests/s and p99 ms while the burst was answered, when asked for.
    readers: tuple[float, float] | None = None


def parse_args() -> argparse.Namespace:
    """Reads the command line; bounds are checked so that every loop stays bounded."""

    def bounded(low: int, high: int):
        def check(text: str) -> int:
            value = int(text)
            if not low <= value <= high:
                raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
            return value

        return check

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", nargs="?", default="target/release/stackatlas",
                        help="the stackatlas server binary (default: %(default)s)")
    parser.add_argument("--attempts", type=bounded(1, 2000), default=200,
                        help="parallel sign-in attempts per round (default: %(default)s)")
    parser.add_argument("--rounds", type=bounded(1, 20), default=3,
                        help="bursts to run one after the other (default: %(default)s)")
    parser.add_argument("--limit-mib", type=float, default=96.0,
                        help="exit 1 when the server's peak memory is above this (default: %(default)s)")
    parser.add_argument("--clients", choices=["many", "one"], default="many",
                        help="each attempt from its own address behind a trusted proxy, or all "
                             "from 127.0.0.1 (default: %(default)s)")
    parser.add_argument("--timeout", type=bounded(1, 600), default=120,
                        help="seconds each request may take (default: %(default)s)")
    parser.add_argument("--readers", metavar="PATH",
                        help="read PATH with wrk around each burst (e.g. the query page)")
    parser.add_argument("--reader-connections", type=bounded(1, 1000), default=64,
                        help="wrk connections of the readers (default: %(default)s)")
    parser.add_argument("--reader-seconds", type=bounded(2, 120), default=6,
                        help="how long the readers read, from half a second before each "
                             "burst (default: %(default)s)")
    return parser.parse_args()


def machine() -> str:
    """Names the CPU count and model, since memory and timings depend on both."""
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{len(os.sched_getaffinity(0))} CPUs (nproc), {model}"


def free_port() -> int:
    """A port nothing listens on now: the kernel picks one when binding port 0."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def memory_kib(pid: int) -> dict[str, int] | None:
    """VmRSS and VmHWM of PID in KiB from /proc, or None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            text = status.read()
    except OSError:
        return None
    found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.MULTILINE))
    return {key: int(value) for key, value in found.items()} if len(found) == 2 else None


def mib(kib: int) -> str:
    """KiB as MiB with one decimal, the unit of the target."""
    return f"{kib / 1024:.1f}"


class Server:
    """A stackatlas server on a fresh database in a temporary folder, with one account.

    A context manager so that the server is stopped and the folder removed on every way out:
    normal end, error, Ctrl-C or SIGTERM.
    """

    def __init__(self, binary: Path, behind_proxy: bool):
        self.binary = binary
        self.folder = Path(tempfile.mkdtemp(prefix="login-burst-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = self.folder / "server.log"
        # Inherited STACKATLAS_* settings would change what is measured; the folder as working
        # directory keeps the repository's .env out too.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("STACKATLAS_")}
        self.env.update(DATABASE_URL=f"sqlite://{self.folder}/bench.db", RUST_LOG="warn")
        if behind_proxy:
            self.env["STACKATLAS_TRUSTED_PROXIES"] = HOST

    def __enter__(self) -> "Server":
        try:
            self._create_account()
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *_exc) -> None:
        self._stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _create_account(self) -> None:
        """The real account the wrong-password attempts aim at, made with the CLI."""
        command = [str(self.binary), "user", "add", "--email", ACCOUNT_EMAIL, "--name", "Bench",
                   "--role", "editor", "--password-stdin"]
        done = subprocess.run(command, input=ACCOUNT_PASSWORD + "\n", text=True,
                              capture_output=True, env=self.env, cwd=self.folder,
                              timeout=CLI_WAIT_SECONDS)
        if done.returncode != 0:
            raise BenchError(f"`user add` failed ({done.returncode}): {done.stderr.strip()}")

    def _start(self) -> None:
        """Starts `serve` and waits, bounded, until /healthz answers 200."""
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(self.binary), "serve", "--addr", f"{HOST}:{self.port}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self.env, cwd=self.folder)
        deadline = time.monotonic() + HEALTH_WAIT_SECONDS
        while time.monotonic() < deadline:
            if not self.alive():
                raise BenchError(f"the server exited at start-up:\n{self.log_tail()}")
            probe = http.client.HTTPConnection(HOST, self.port, timeout=2)
            try:
                if exchange(probe, "GET", "/healthz")[0] == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            finally:
                probe.close()
            time.sleep(0.1)
        raise BenchError(f"/healthz did not answer 200 within {HEALTH_WAIT_SECONDS:.0f} s")

    def _stop(self) -> None:
        """SIGTERM for a graceful stop, then SIGKILL when it takes too long."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_WAIT_SECONDS)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def memory(self) -> dict[str, int] | None:
        return memory_kib(self.process.pid) if self.alive() else None

    def log_tail(self, lines: int = 20) -> str:
        """The end of the server's output, to say why it stopped."""
        try:
            tail = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            tail = []
        return "\n".join(tail) or "(no server output)"


def exchange(conn: http.client.HTTPConnection, method: str, path: str, body: str | None = None,
             headers: dict | None = None):
    """One HTTP exchange on `conn` (which reconnects by itself when closed); returns
    (status, headers, body text). The caller decides when the connection is closed."""
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.headers, response.read().decode("utf-8", "replace")


class CsrfField(html.parser.HTMLParser):
    """Finds the value of the hidden `csrf_token` input of the sign-in form."""

    def __init__(self):
        super().__init__()
        self.token = ""

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        if tag == "input" and named.get("name") == "csrf_token" and not self.token:
            self.token = named.get("value") or ""


def prepare(attempt: Attempt) -> None:
    """GET /login for this attempt: its own cookie and token, as a separate browser would.

    The connection is closed afterwards and reopened at the barrier: the server drops idle
    connections after a few seconds, and preparing hundreds of forms can take longer.
    """
    try:
        status, headers, body = exchange(attempt.conn, "GET", "/login")
    finally:
        attempt.conn.close()
    if status != 200:
        raise BenchError(f"GET /login answered {status}")
    cookies = [re.match(rf"{CSRF_COOKIE}=([^;]*)", c) for c in headers.get_all("Set-Cookie") or []]
    parser = CsrfField()
    parser.feed(body)
    attempt.cookie = next((m.group(1) for m in cookies if m), "")
    attempt.token = parser.token
    if not attempt.cookie or not attempt.token:
        raise BenchError("GET /login gave no CSRF cookie or no csrf_token field")


def client_address(number: int) -> str:
    """A distinct made-up client address (TEST-NET-2 and -3) for the proxy header only."""
    net = ("198.51.100", "203.0.113")[number // 254 % 2]
    return f"{net}.{number % 254 + 1}"


def make_attempts(port: int, count: int, timeout: float, many_clients: bool,
                  round_number: int) -> list[Attempt]:
    """`count` prepared attempts: even ones a wrong password for the real account, odd ones an
    unknown email, so both paths through the password check are exercised."""
    attempts = [
        Attempt(http.client.HTTPConnection(HOST, port, timeout=timeout),
                email=ACCOUNT_EMAIL if i % 2 == 0 else f"nobody-{i}@example.com",
                password=f"wrong-password-{i:04d}",
                client=client_address(round_number * count + i) if many_clients else None)
        for i in range(count)
    ]
    run_bounded([lambda a=a: prepare(a) for a in attempts], PREPARE_THREADS,
                deadline=time.monotonic() + timeout)
    return attempts


def run_bounded(jobs, threads: int, deadline: float) -> None:
    """Runs `jobs` on `threads` daemon threads, all done by `deadline`; the first error raised
    by a job is raised here (a Ctrl-C never waits for them, being daemon threads)."""
    pending, errors, lock = list(jobs), [], threading.Lock()

    def worker():
        while True:
            with lock:
                if not pending or errors:
                    return
                job = pending.pop()
            try:
                job()
            except Exception as error:  # reported by the caller's thread
                with lock:
                    errors.append(error)

    workers = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(max(0.0, deadline - time.monotonic()))
    if errors:
        raise errors[0]
    if any(w.is_alive() for w in workers):
        raise BenchError("preparing the sign-in forms took too long")


class Readers:
    """wrk reading one path with many connections for a fixed time, in the background."""

    def __init__(self, port: int, path: str, connections: int, seconds: int):
        threads = 1 if connections < 2 else 2
        self.seconds = seconds
        self.process = subprocess.Popen(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
             f"http://{HOST}:{port}{path}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def result(self) -> tuple[float, float]:
        """Requests per second and p99 in milliseconds, once wrk has finished."""
        out, _ = self.process.communicate(timeout=self.seconds + 30)
        rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
        p99 = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out)
        if not rate or not p99:
            raise BenchError(f"wrk gave no figures:\n{out}")
        value, unit = float(p99.group(1)), p99.group(2)
        return float(rate.group(1)), value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


class PeakSampler(threading.Thread):
    """Reads VmRSS every 10 ms until stopped (or `limit_seconds` passed) and keeps the largest."""

    def __init__(self, pid: int, limit_seconds: float):
        super().__init__(daemon=True)
        self.pid, self.limit_seconds = pid, limit_seconds
        self.peak_kib = 0
        self.done = threading.Event()

    def run(self):
        deadline = time.monotonic() + self.limit_seconds
        while not self.done.is_set() and time.monotonic() < deadline:
            memory = memory_kib(self.pid)
            if memory is None:
                return
            self.peak_kib = max(self.peak_kib, memory["VmRSS"])
            self.done.wait(SAMPLE_SECONDS)

    def stop(self) -> int:
        self.done.set()
        self.join(1)
        return self.peak_kib


def post(attempt: Attempt, barrier: threading.Barrier) -> None:
    """Waits for the common start, then submits the form; records the status or the error."""
    form = urllib.parse.urlencode({"email": attempt.email, "password": attempt.password,
                                   "next": "/", "csrf_token": attempt.token})
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Cookie": f"{CSRF_COOKIE}={attempt.cookie}"}
    if attempt.client:
        headers["X-Forwarded-For"] = attempt.client
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        return
    try:
        status, _, _ = exchange(attempt.conn, "POST", "/login", body=form, headers=headers)
        attempt.outcome = str(status)
    except (OSError, http.client.HTTPException) as error:
        attempt.outcome = type(error).__name__
    finally:
        attempt.finished = time.monotonic()
        attempt.conn.close()


def burst(server: Server, number: int, count: int, timeout: float,
          many_clients: bool, readers: dict | None = None) -> RoundResult:
    """One round: prepare `count` forms, release all POSTs at once, sample memory meanwhile
    (and, given `readers` — Readers' arguments but the port —, read a page around it)."""
    attempts = make_attempts(server.port, count, timeout, many_clients, number)
    before = server.memory()
    if before is None:
        raise BenchError(f"the server died before round {number}:\n{server.log_tail()}")
    barrier = threading.Barrier(count + 1, timeout=timeout)
    threads = [threading.Thread(target=post, args=(a, barrier), daemon=True) for a in attempts]
    for thread in threads:
        thread.start()
    sampler = PeakSampler(server.process.pid, limit_seconds=2 * timeout + 10)
    sampler.start()
    reading = Readers(server.port, **readers) if readers else None
    if reading:
        time.sleep(0.5)
    try:
        barrier.wait()
        started = time.monotonic()
        deadline = started + timeout + 10
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
    finally:
        peak = sampler.stop()
    read = reading.result() if reading else None
    # A server that died mid-burst still gets its row: the answers show how far it got.
    after = server.memory() or {"VmRSS": 0, "VmHWM": 0}
    finished = [a.finished for a in attempts if a.finished]
    return RoundResult(number=number, attempts=count, rss_before_kib=before["VmRSS"],
                       peak_rss_kib=max(peak, after["VmRSS"]), hwm_kib=after["VmHWM"],
                       seconds=(max(finished) - started) if finished else 0.0,
                       outcomes=Counter(a.outcome for a in attempts),
                       server_died=not server.alive(), readers=read)


def table(results: list[RoundResult], alone: tuple[float, float] | None) -> str:
    """The rounds as a Markdown table (with the readers' columns when they read)."""
    reading = alone is not None
    extra = " readers req/s | readers p99 ms |" if reading else ""
    rows = ["| round | attempts | statuses | RSS before MiB | peak RSS MiB during burst "
            "| VmHWM MiB | seconds |" + extra,
            "|---:|---:|---|---:|---:|---:|---:|" + ("---:|---:|" if reading else "")]
    if reading:
        rows.append(f"| readers alone | 0 | | | | | |{alone[0]:.0f} | {alone[1]:.2f} |")
    for r in results:
        statuses = ", ".join(f"{k} ×{n}" for k, n in sorted(r.outcomes.items()))
        hwm = "server died" if r.server_died else mib(r.hwm_kib)
        read = f" {r.readers[0]:.0f} | {r.readers[1]:.2f} |" if r.readers else (" | |" if reading else "")
        rows.append(f"| {r.number} | {r.attempts} | {statuses} | {mib(r.rss_before_kib)} "
                    f"| {mib(r.peak_rss_kib)} | {hwm} | {r.seconds:.2f} |" + read)
    return "\n".join(rows)


def main() -> int:
    args = parse_args()
    # SIGTERM takes the same way out as Ctrl-C, so the server is stopped and the folder removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    binary = Path(args.binary).resolve()
    if not os.access(binary, os.X_OK):
        print(f"error: {binary} is not an executable file", file=sys.stderr)
        return EXIT_SERVER_FAILED
    results: list[RoundResult] = []
    failure = ""
    readers = alone = None
    if args.readers:
        if not shutil.which("wrk"):
            print("error: --readers needs wrk (apt-get install wrk)", file=sys.stderr)
            return EXIT_SERVER_FAILED
        readers = dict(path=args.readers, connections=args.reader_connections,
                       seconds=args.reader_seconds)
    try:
        with Server(binary, behind_proxy=args.clients == "many") as server:
            start = server.memory()
            if start is None:
                raise BenchError(f"the server died after start-up:\n{server.log_tail()}")
            print(f"server pid {server.process.pid} on {HOST}:{server.port}; before the first "
                  f"burst: VmRSS {mib(start['VmRSS'])} MiB, VmHWM {mib(start['VmHWM'])} MiB",
                  file=sys.stderr)
            if readers:
                alone = Readers(server.port, **readers).result()
            for number in range(1, args.rounds + 1):
                results.append(burst(server, number, args.attempts, args.timeout,
                                     many_clients=args.clients == "many", readers=readers))
                if results[-1].server_died:
                    failure = f"the server died during round {number}:\n{server.log_tail()}"
                    break
                print(f"round {number} done", file=sys.stderr)
                if number < args.rounds:
                    print("note: the failures just recorded count against this account and "
                          "address; the next rounds may be refused (429), which is expected",
                          file=sys.stderr)
    except BenchError as error:
        failure = str(error)
    except (OSError, http.client.HTTPException, subprocess.SubprocessError) as error:
        failure = f"{type(error).__name__}: {error}"
    except KeyboardInterrupt:
        print("interrupted; the server was stopped and the folder removed", file=sys.stderr)
        return EXIT_INTERRUPTED

    print(f"## login burst: {args.attempts} parallel sign-ins × {len(results)} round(s)\n")
    print(f"- machine: {machine()}")
    print(f"- binary: {binary}")
    print(f"- command: {shlex.join(sys.argv)}\n")
    if results:
        print(table(results, alone))
    peak = max((max(r.peak_rss_kib, r.hwm_kib) for r in results), default=0)
    if failure:
        print(f"\nFAILED: {failure}")
        return EXIT_SERVER_FAILED
    verdict = "within" if peak / 1024 <= args.limit_mib else "OVER"
    print(f"\npeak {mib(peak)} MiB: {verdict} the limit of {args.limit_mib:g} MiB")
    return 0 if verdict == "within" else EXIT_OVER_LIMIT


if __name__ == "__main__":
    sys.exit(main())
