"""Benchmarks that print numbers, and the synthetic city they measure."""
