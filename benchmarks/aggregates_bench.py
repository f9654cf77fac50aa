"""Aggregates benchmark: the work behind /mijlpalen on a cold cache, our array path against the
frame path it replaced (``tests/support/reference_aggregates.py``), in one run.

    python benchmarks/aggregates_bench.py [--runs 3]

It builds the same temporary SQLite database as ``dashboard_bench.py`` (342 gemeenten, a
quarterly history 2022-2026 for all four onderdelen, two region types) and, per area level
(Nederland, provincies, each loaded region type), times what the page computes after a data
change: ``milestone_progress`` (a year of month ends as known on each date, the share at each
deadline, the projection per group) and the progress over time of every milestone with a
target. The naive run is the same code with the frame definitions of ``asof_series``,
``progress_series`` and ``projection`` swapped in. Both results are compared; the ratio is
printed. Median of ``--runs``; not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))


@contextmanager
def frame_path():
    """``dashboard.aggregates`` with the frame definitions in place of the array functions."""
    from dashboard import aggregates as agg
    from tests.support import reference_aggregates as reference

    names = ["asof_series", "progress_series", "projection"]
    saved = {n: getattr(agg, n) for n in names}
    try:
        for n in names:
            setattr(agg, n, getattr(reference, n))
        yield
    finally:
        for n, f in saved.items():
            setattr(agg, n, f)


def page_work(ref, history, level: str, today: date):
    """What /mijlpalen computes for one area level on a cold cache."""
    from dashboard import aggregates as agg

    groups = agg.national_groups(ref.gemeenten) if level == "landelijk" else ref.groups(level)
    progress = agg.milestone_progress(history, ref.gemeenten, ref.levels, ref.milestones, groups, today)
    dates = agg.series_dates(history, today)
    series = [
        agg.progress_series(history, ref.gemeenten, ref.levels, m.onderdeel, groups, dates, int(m.threshold))
        for m in ref.milestones[ref.milestones["has_target"]].itertuples()
    ]
    return progress, series


def timed(fn, runs: int):
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> int:
    import pandas as pd

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="herhalingen per meting (standaard 3; de mediaan telt)")
    args = parser.parse_args()
    from dashboard_bench import build_database
    from preconditions import Missing, data_dir, fail

    if args.runs < 1:
        return fail("--runs moet minstens 1 zijn.")
    try:
        data_dir(REPO)
    except Missing as exc:
        return fail(str(exc))

    from dashboard.data import DataSource

    with tempfile.TemporaryDirectory(prefix="etvi-bench-") as tmp:
        os.environ.setdefault("ETVI_DATA_DIR", str(REPO / "data"))
        url = build_database(Path(tmp))
        source = DataSource(url)
        ref, history = source.reference(), source.history()
        today = date.today()
        print()
        print("=" * 78)
        print(f"{'Mijlpalen, koud (per gebiedsniveau)':38}{'ons':>12}{'naïef':>12}{'factor':>10}")
        print("-" * 78)
        same = True
        for level in ["landelijk"] + ref.levels_available():
            ours_s, ours = timed(lambda: page_work(ref, history, level, today), args.runs)
            with frame_path():
                naive_s, naive = timed(lambda: page_work(ref, history, level, today), args.runs)
            try:
                pd.testing.assert_frame_equal(ours[0], naive[0])
                for a, b in zip(ours[1], naive[1]):
                    pd.testing.assert_frame_equal(a, b)
            except AssertionError as e:
                same = False
                print(f"  VERSCHIL bij {level}: {str(e).splitlines()[0]}")
            groups = ours[0]["group_code"].nunique()
            label = f"{level} ({groups} gebied{'en' if groups != 1 else ''})"
            print(f"{label:38}{ours_s * 1000:>9.0f} ms{naive_s * 1000:>9.0f} ms{naive_s / ours_s:>9.1f}x")
        print("-" * 78)
        print(f"  uitkomsten gelijk: {'ja' if same else 'NEE'}; mediaan van {args.runs} runs; peildatum {today.isoformat()}; "
              f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        print("=" * 78)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
