z = complex(1, 2)
r = range(2, 10, 3)
items = list(r)
print(z, items)
