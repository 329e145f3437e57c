a = b = c = []
a.append(b)
print(len(c[0][0][0]))
