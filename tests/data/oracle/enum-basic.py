from enum import Enum

class Color(Enum):
    RED = 1
    GREEN = 2

c = Color.RED
name = c.name
value = c.value
print(name, value, Color(2))
