t = (1, 2)
for i in range(3):
    t = (i, i + 1)
print(t)
