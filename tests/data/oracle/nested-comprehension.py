# issue 11: the outer loop variable of a nested comprehension is current
grid = [[r * 10 + c for c in range(3)] for r in range(3)]
pairs = [(a, b) for a in "xy" for b in (1, 2)]
print(grid, pairs)
