"""Benchmarks: scripts that print figures against a naive baseline (python -m bench.NAME)."""
