"""Performance figures for the portal: ``python -m benchmarks`` (or ``make bench``).

Every ``benchmarks/bench_*.py`` module has a ``run()`` that returns
``(section, [(label, value), ...])``. They run against a throwaway test
database in a temporary data directory, never against the development one.
"""
