from enum import Enum

class Mode(str, Enum):
    READ = "r"
    WRITE = "w"

m = Mode.WRITE
is_w = m == "w"
print(is_w, m.value)
