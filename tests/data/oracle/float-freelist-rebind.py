x = 1.5
for _ in range(4):
    x = x + 1.0
y = x * 2
print(x, y)
