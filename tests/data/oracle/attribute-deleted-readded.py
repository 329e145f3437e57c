class Node:
    pass

n = Node()
n.a = 1
n.b = 2
del n.a
n.a = 3
n.__dict__["c"] = 4
print(vars(n))
