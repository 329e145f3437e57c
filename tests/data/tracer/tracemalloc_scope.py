# Rebinding a local to None frees the list while the frame is still running.
import tracemalloc


def measure():
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    block = list(range(300_000))
    after = tracemalloc.take_snapshot()
    grown = sum(s.size_diff for s in after.compare_to(before, "lineno") if s.size_diff > 0)
    print(f"grown {grown / 1024:.1f} KB")
    block = None
    later = tracemalloc.take_snapshot()
    shrunk = sum(s.size_diff for s in later.compare_to(after, "lineno") if s.size_diff < 0)
    print(f"freed {shrunk / 1024:.1f} KB")
    tracemalloc.stop()


measure()
