class Point:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

p = Point(1, 2)
p.x = 10
q = Point(3, 4)
del q.y
print(p.x, p.y, q.x)
