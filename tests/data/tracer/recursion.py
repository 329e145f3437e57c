import sys

sys.setrecursionlimit(60000)


def down(n):
    if n == 0:
        return 0
    return down(n - 1) + 1


print(down(50000))
