from collections import namedtuple

Point = namedtuple("Point", ["x", "y"])
p = Point(1, 2)
q = p._replace(x=5)
print(p, q)
