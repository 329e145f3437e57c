a = [1, 2]
b = a
a += [3]
a *= 2
del a[:2]
a[::2] = ["x", "y"]
print(b)
