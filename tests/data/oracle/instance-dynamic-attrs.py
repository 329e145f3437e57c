class Bag:
    pass

b = Bag()
b.x = 1
b.y = [2]
setattr(b, "z", "three")
del b.x
print(sorted(vars(b)))
