# y = x makes an alias: the list is not changed by it
x = [1, 2, 3]
y = x
y.append(4)
print(x)
