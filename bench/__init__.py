"""Side-by-side benchmarks run by `make bench`: each script starts what it needs on loopback,
measures the alternatives in one run, prints a table with ratios and writes it to
docs/performance.md. Benchmarks, not tests: a missed target is reported, never a failure.
"""
