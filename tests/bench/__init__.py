"""Benchmarks: `make bench` runs sse_delivery.py, which prints figures (not a pass/fail test)."""
