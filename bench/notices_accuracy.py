"""How well the import reads notices: the notice corpus imported case by case, scored by field.

    python bench/notices_accuracy.py [--verbose] [--case ID]
    (or: make bench-notices BENCH_ARGS="--verbose")

The corpus (tests/notices/corpus/*.toml) holds fragments of page exports written the way local
papers print their notices, each with the notices and articles the import must make of it. Every
case is imported into a throw-away test database (SQLite in memory by default, test_<name> on
PostgreSQL when DATABASE_URL points to one), inside a transaction rolled back after it, and
compared with what it expects: for each field how many values are right, wrong (a different
value) or missing (none where one was due); then how many expected notices were lost, left in
an article's body or merged into another notice, and how many notices nobody expected were made.

Figures are printed, not asserted (tests/notices/test_corpus.py asserts every case): the exit
code is 0 unless the corpus cannot be loaded.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percent(part, whole):
    return f"{100 * part / whole:5.1f} %" if whole else "    – "


def print_table(total, elapsed, vendor):
    from tests.notices.corpus import FIELDS

    print(
        f"{total.cases} cases, {total.expected} notices, {total.articles} articles; "
        f"database: {vendor}; {elapsed:.1f} s"
    )
    print()
    print(f"{'field':<10} {'right':>6} {'wrong':>6} {'missing':>8} {'right':>8}")
    for name in FIELDS:
        tally = total.fields[name]
        counted = tally["right"] + tally["wrong"] + tally["missing"]
        print(
            f"{name:<10} {tally['right']:>6} {tally['wrong']:>6} {tally['missing']:>8} "
            f"{percent(tally['right'], counted):>8}"
        )
    print()
    rows = [
        ("notices expected", total.expected),
        ("  lost", total.lost),
        ("  in an article", total.in_article),
        ("  merged", total.merged),
        ("notices extra", total.extra),
        ("items extra", total.extra_items),
        ("articles expected", total.articles),
        ("articles extra", total.extra_articles),
        ("exports refused", total.errors),
        ("cases right in every field", total.perfect_cases),
    ]
    for label, value in rows:
        print(f"{label:<28} {value:>5}")
    print(f"{'':<28} {percent(total.perfect_cases, total.cases)} of the cases")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print every mismatch")
    parser.add_argument("--case", metavar="ID", help="run this case only, with its mismatches")
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from tests.notices.corpus import CorpusError, Score, load_cases

    try:
        cases = load_cases()
    except CorpusError as error:
        print(f"the corpus cannot be loaded: {error}", file=sys.stderr)
        return 1
    if options.case:
        cases = [case for case in cases if case.id == options.case]
        if not cases:
            print(f"no case {options.case!r} in the corpus", file=sys.stderr)
            return 1

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paper.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()
    from django.db import connection

    from tests.notices.corpus import run_case, score

    total = Score(cases=0)
    test_database = connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        started = time.perf_counter()
        for case in cases:
            total += score(case, run_case(case))
        elapsed = time.perf_counter() - started
        vendor = connection.vendor
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)

    print_table(total, elapsed, vendor)
    if options.verbose or options.case:
        print()
        print(f"mismatches ({len(total.mismatches)}):")
        for line in total.mismatches:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
