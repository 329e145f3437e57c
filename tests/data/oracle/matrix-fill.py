n = 4
grid = [[0] * n for _ in range(n)]
for r in range(n):
    for c in range(n):
        grid[r][c] = r * c
print(grid[3])
