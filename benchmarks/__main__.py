"""Run every ``benchmarks/bench_*.py`` on a throwaway database and print the figures."""

import importlib
import os
import pkgutil
import sys
import tempfile
import time
from pathlib import Path


def _prepare_environment(data_dir: str) -> None:
    # A temporary data directory keeps the SQLite file and broker folders away from var/;
    # the test database is created and destroyed below, on whichever database is configured.
    os.environ["GRC_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc_portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str]) -> int:
    wanted = set(argv)
    with tempfile.TemporaryDirectory(prefix="grc-bench-") as data_dir:
        _prepare_environment(data_dir)
        import django

        django.setup()
        from django.db import connection
        from django.test.utils import setup_test_environment, teardown_test_environment

        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            modules = sorted(
                m.name
                for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                if m.name.startswith("bench_") and (not wanted or m.name in wanted)
            )
            print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})\n")
            for name in modules:
                module = importlib.import_module(f"benchmarks.{name}")
                started = time.perf_counter()
                section, figures = module.run()
                width = max(len(label) for label, _ in figures)
                print(f"== {section} ({time.perf_counter() - started:.1f} s in all)")
                for label, value in figures:
                    print(f"  {label:<{width}}  {value}")
                print()
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
