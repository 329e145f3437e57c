# Found by the differential fuzzer (seed 1795788670, program 469, reduced): unbounded recursion.
# Through Python calls alone the traced run reaches the same depth as the plain one; with a C call
# at each level (print, str) it stops one frame earlier: see docs/robustness.md, "Known differences".
depth = 0
def down(n):
    global depth
    depth = n
    down(n + 1)
try:
    down(1)
except RecursionError as e:
    print('stopped at', depth, e)
