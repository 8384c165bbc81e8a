"""Helpers shared by tests and benchmarks that run the real backend."""
