"""How much CPU other processes use: the machine is shared, and their work skews every timing."""

from __future__ import annotations

import os
import resource
import sys
import time
from dataclasses import dataclass


def busy_cpu_seconds() -> float:
    """CPU seconds all processes have spent busy since boot (from /proc/stat), over all cores."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds used by this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class CpuMark:
    """A point in time to measure other processes' CPU use from."""

    wall: float
    busy: float
    own: float

    @classmethod
    def now(cls) -> CpuMark:
        """Mark the current wall time, total busy CPU time and this process's CPU time."""
        return cls(time.monotonic(), busy_cpu_seconds(), own_cpu_seconds())

    def others_share(self) -> float:
        """Share of all cores (0-1) that other processes used since this mark."""
        now = CpuMark.now()
        wall = max(now.wall - self.wall, 1e-6)
        others = max((now.busy - self.busy) - (now.own - self.own), 0.0)
        return round(others / (wall * (os.cpu_count() or 1)), 3)


def wait_for_quiet(max_share: float, max_wait_s: float, window_s: float = 5.0) -> float:
    """Wait until other processes use less than ``max_share`` of the cores over ``window_s``.

    Gives up after ``max_wait_s`` (with a warning); returns the last share measured.
    """
    deadline = time.monotonic() + max_wait_s
    reported = False
    while True:
        mark = CpuMark.now()
        time.sleep(window_s)
        share = mark.others_share()
        if share < max_share:
            return share
        if time.monotonic() >= deadline:
            print(
                f"warning: other processes use {share:.0%} of the cores; timings will be skewed",
                file=sys.stderr,
                flush=True,
            )
            return share
        if not reported:
            print(
                f"other processes use {share:.0%} of the cores: waiting for the machine to quieten",
                file=sys.stderr,
                flush=True,
            )
            reported = True
