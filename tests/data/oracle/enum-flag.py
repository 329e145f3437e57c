from enum import Flag, auto

class Perm(Flag):
    R = auto()
    W = auto()

p = Perm.R | Perm.W
has_w = Perm.W in p
print(has_w)
