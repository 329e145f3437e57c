items = [3, 1, 2]
items.insert(0, 9)
items.remove(1)
last = items.pop()
items.extend([7, 8])
items.reverse()
items[1:3] = ["x"]
print(items, last)
