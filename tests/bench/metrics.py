"""What the benchmark measures of a server besides latency: threads and RSS per worker, database
connections, and CPU time, all with psutil from outside the server.

A Sampler thread polls them through a scenario and keeps the peaks: a stream that costs a thread
or a database connection shows as a peak that grows with the number of streams.
"""

import threading
import time

import psutil

# Often enough for peaks that last (a thread or connection per stream); not so often that the
# sampling (on SQLite it reads every descriptor of each worker) takes a core from the server.
SAMPLE_EVERY = 0.5
MB = 1024 * 1024


class Sampler:
    """Peaks of a system's threads, RSS and database connections while the with-block runs."""

    def __init__(self, system, interval=SAMPLE_EVERY):
        self.system = system
        self.interval = interval
        self.threads = self.rss = self.db_total = self.db_per_worker = None
        self.workers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def sample(self):
        try:
            workers = self.system.workers()
        except psutil.Error:
            return  # the server is gone; the scenario will say so
        self.workers = max(self.workers, len(workers))
        for worker in workers:
            try:
                with worker.oneshot():
                    self.threads = max(self.threads or 0, worker.num_threads())
                    self.rss = max(self.rss or 0, worker.memory_info().rss)
            except psutil.Error:
                continue  # a worker that just went; the next sample sees its replacement
        total, per_worker = self.system.db_connections()
        if total is not None:
            self.db_total = max(self.db_total or 0, total)
            self.db_per_worker = max(self.db_per_worker or 0, per_worker)

    def peaks(self):
        return {
            "workers": self.workers,
            "threads_per_worker": self.threads,
            "rss_mb_per_worker": round(self.rss / MB, 1) if self.rss else None,
            "db_connections": self.db_total,
            "db_connections_per_worker": self.db_per_worker,
        }


def cpu_seconds(processes):
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


class CpuMeter:
    """A process's CPU use between start and stop, in % of one core: the listener process's, so
    a scenario in which the client, not the server, was the bottleneck says so."""

    def __init__(self, process):
        self.processes = [process]
        self.started = time.monotonic()
        self.before = cpu_seconds(self.processes)

    def percent(self):
        used = cpu_seconds(self.processes) - self.before
        return 100 * used / max(1e-9, time.monotonic() - self.started)


def cpu_percent(processes, seconds):
    """The processes' CPU use together over `seconds`, in % of one core."""
    before, started = cpu_seconds(processes), time.monotonic()
    time.sleep(seconds)
    return 100 * (cpu_seconds(processes) - before) / (time.monotonic() - started)


def settle(system, quiet_percent=10, window=0.5, timeout=10):
    """Waits until the system's workers are nearly idle (streams torn down or set up), so one
    scenario's leftovers are not the next one's figures. Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if cpu_percent(system.workers(), window) < quiet_percent:
            break
    return time.monotonic() - started
