table = {i: str(i) for i in range(120)}
table[0] = "zero"
del table[5]
print(len(table))
