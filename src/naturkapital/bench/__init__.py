"""Benchmark harness and synthetic national inputs (not used by the models)."""
