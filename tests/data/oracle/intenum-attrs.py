from enum import IntEnum

class Level(IntEnum):
    LOW = 1
    HIGH = 2

current = Level.LOW
bigger = current + 1
print(current, bigger, Level(2).name)
