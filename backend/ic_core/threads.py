"""Threads that must exist once per process."""

import os
from concurrent.futures import ThreadPoolExecutor


class OneThreadPerProcess:
    """A one-thread executor, made on first use in each process: gunicorn forks its workers,
    and a thread does not survive a fork."""

    def __init__(self, name):
        self.name = name
        self._pid = None
        self._executor = None

    def started(self):
        """Whether this process has made its thread yet."""
        return self._pid == os.getpid()

    def executor(self):
        if not self.started():
            self._pid = os.getpid()
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)
        return self._executor
