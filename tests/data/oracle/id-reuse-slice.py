# issue 11: a new object never gets a dead object's ID
a = slice(1, 2)
del a
b = slice(3, 4)
print(b)
