from dataclasses import dataclass

@dataclass(frozen=True)
class Point:
    x: int
    y: int

p = Point(1, 2)
q = Point(1, 2)
same = p == q
try:
    p.x = 5
except Exception as e:
    kind = type(e).__name__
print(same, kind)
