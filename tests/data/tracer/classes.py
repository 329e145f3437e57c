class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def moved(self, dx):
        return Point(self.x + dx, self.y)

    def __repr__(self):
        return f"Point({self.x}, {self.y})"


class Slotted:
    __slots__ = ("a",)

    def __init__(self):
        self.a = [1]


p = Point(1, 2)
q = p.moved(3)
p.label = "origin-ish"
s = Slotted()
s.a.append(2)
print(p, q, p.label, s.a, vars(p))
