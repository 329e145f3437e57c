import weakref

log = []

class Node:
    pass

n = Node()
r = weakref.ref(n, lambda ref: log.append("gone"))
n = None
print(log)
