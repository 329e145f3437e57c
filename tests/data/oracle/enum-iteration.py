from enum import Enum

class Dir(Enum):
    N = "north"
    S = "south"

names = [d.name for d in Dir]
lookup = Dir("south")
print(names, lookup)
