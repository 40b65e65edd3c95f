"""Benchmarks (`make bench`): how long the slow parts take. Not tests."""
