"""What the throughput benches share: the fields of a run and how CPU time and peak
memory are read (this process and its finished worker processes)."""

from __future__ import annotations

import resource
from dataclasses import dataclass

NAN = float("nan")


@dataclass(kw_only=True)
class Throughput:
    """A throughput run over ``n`` items: CPU seconds (this process and its workers),
    the extraction step alone now and in the baseline (seconds), whether both gave the
    same result, and the peak memory of the largest process (MB)."""

    n: int
    cpu_s: float = NAN
    extract_s: float = NAN
    baseline_extract_s: float = NAN
    identical: bool = True
    peak_mb: float = NAN

    @property
    def wall_s(self) -> float:
        """Wall seconds of the timed steps (each bench says which)."""
        raise NotImplementedError

    @property
    def per_s(self) -> float:
        """Items per wall second."""
        return self.n / self.wall_s

    @property
    def per_cpu_s(self) -> float:
        """Items per CPU second."""
        return self.n / self.cpu_s


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and its finished worker processes."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def peak_mb() -> float:
    """The largest peak resident memory (MB) of this process and its worker processes."""
    return max(resource.getrusage(who).ru_maxrss for who in
               (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024.0
