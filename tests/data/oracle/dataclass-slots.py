from dataclasses import dataclass

@dataclass(slots=True)
class Pair:
    left: int
    right: str

p = Pair(1, "one")
p.left += 1
print(p)
