# mutation through an alias shows in both names
a = [1, 2]
b = a
b.append(3)
c = list(a)
c.append(4)
print(a, b, c)
