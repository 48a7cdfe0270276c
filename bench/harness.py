"""What the HTTP benchmarks share: servers run as child processes, the load tool (wrk, or hey), results and tables."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


# --- peak memory (Linux) --------------------------------------------------------------------------------------------


def maxrss_mb() -> float:
    """getrusage's ru_maxrss, in MB. In a child it starts at least at the parent's RSS: exec keeps the peak of the
    address space it replaces (the parent's copy, or with vfork the parent's own), which the child never touches."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def peak_mb(pid: int | str = "self") -> float:
    """The peak RSS of a process's own address space (VmHWM, which clear_refs resets), this one by default; where
    that cannot be read, this process's ru_maxrss, or 0 for another process."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return maxrss_mb() if pid == "self" else 0.0


def reset_peak() -> bool:
    """Reset this process's peak RSS to its current RSS (Linux: clear_refs 5), garbage and free heap given back
    first; False where that is not possible."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Process:
    """A server the benchmark started, in its own process group, stopped (with its children) by stop()."""

    def __init__(
        self,
        name: str,
        cmd: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        cwd: Path = ROOT,
        log: Path | None = None,
    ) -> None:
        self.name = name
        self.log = log or Path(tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")[1])
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                list(cmd),
                cwd=cwd,
                env={**os.environ, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until(self, probe: Any, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}):\n{self.tail()}")
            if probe():
                return
            time.sleep(0.25)
        raise RuntimeError(f"{self.name} did not come up in {timeout:.0f}s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.unlink(missing_ok=True)


def http(
    url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 120.0
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


def answers(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
    return lambda: http(url, body=body, headers=headers, timeout=2)[0] == 200


# --- the load tool -------------------------------------------------------------------------------------------------


def load_tool() -> str | None:
    """wrk (Debian's package; installed here when missing and we may), else hey, else None."""
    for tool in ("wrk", "hey"):
        if shutil.which(tool):
            return tool
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: apt-get install -y wrk ...", flush=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": False}
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, **quiet).returncode != 0:  # type: ignore[call-overload]
            subprocess.run(["apt-get", "update", "-qq"], env=env, **quiet)  # type: ignore[call-overload]
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, **quiet)  # type: ignore[call-overload]
        if shutil.which("wrk"):
            return "wrk"
    return None


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    failed: int  # non-2xx answers, socket errors and timeouts


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def _lua(value: str) -> str:
    level = "=" * 4
    assert f"]{level}]" not in value
    return f"[{level}[{value}]{level}]"


def run_load(
    tool: str, url: str, *, body: bytes | None, headers: dict[str, str], seconds: float, connections: int
) -> Load:
    if tool == "hey":
        return _hey(url, body=body, headers=headers, seconds=seconds, connections=connections)
    script = ["wrk.method = " + _lua("POST" if body else "GET")]
    if body:
        script.append("wrk.body = " + _lua(body.decode()))
    for k, v in headers.items():
        script.append(f"wrk.headers[ {_lua(k)} ] = {_lua(v)}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write("\n".join(script) + "\n")
        path = f.name
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "60s", "--latency", "-s", path, url],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 120,
        ).stdout
    finally:
        os.unlink(path)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    failed = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        failed += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        failed += sum(int(g) for g in m.groups())
    return Load(
        rps=rps,
        p50_ms=_ms(p50.group(1)) if p50 else float("nan"),
        p99_ms=_ms(p99.group(1)) if p99 else float("nan"),
        requests=requests,
        failed=failed,
    )


def _hey(url: str, *, body: bytes | None, headers: dict[str, str], seconds: float, connections: int) -> Load:
    cmd = ["hey", "-z", f"{seconds:g}s", "-c", str(connections), "-t", "60"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    if body:
        cmd += ["-m", "POST", "-d", body.decode()]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True, timeout=seconds + 120).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%+ in ([\d.]+) secs", out)
    p99 = re.search(r"99%+ in ([\d.]+) secs", out)
    ok = sum(int(n) for n in re.findall(r"\[200\]\s+(\d+) responses", out))
    total = sum(int(n) for n in re.findall(r"\[\d+\]\s+(\d+) responses", out))
    return Load(
        rps=rps,
        p50_ms=float(p50.group(1)) * 1000 if p50 else float("nan"),
        p99_ms=float(p99.group(1)) * 1000 if p99 else float("nan"),
        requests=total,
        failed=total - ok,
    )


@dataclass
class Target:
    """One thing to load: a URL and the request to send it."""

    name: str
    url: str
    body: bytes | None = None
    headers: dict[str, str] | None = None


def median_load(loads: list[Load]) -> dict[str, Any]:
    return {
        "rps": round(statistics.median(x.rps for x in loads), 1),
        "p50_ms": round(statistics.median(x.p50_ms for x in loads), 1),
        "p99_ms": round(statistics.median(x.p99_ms for x in loads), 1),
        "failed": sum(x.failed for x in loads),
        "runs": [asdict(x) for x in loads],
    }


def compare(
    tool: str, targets: list[Target], *, runs: int, seconds: float, warmup: float, connections: int
) -> dict[str, dict[str, Any]]:
    """Warm each target up, then take `runs` runs of each, in turn (A B A B ...), so drift hits both alike."""
    for t in targets:
        if warmup > 0:
            run_load(tool, t.url, body=t.body, headers=t.headers or {}, seconds=warmup, connections=connections)
    loads: dict[str, list[Load]] = {t.name: [] for t in targets}
    for _ in range(runs):
        for t in targets:
            loads[t.name].append(
                run_load(tool, t.url, body=t.body, headers=t.headers or {}, seconds=seconds, connections=connections)
            )
    return {name: median_load(x) for name, x in loads.items()}


# --- results and tables ----------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "executable": sys.executable,
    }


def write(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return path


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(c) for c in header], *[["" if c is None else str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])
