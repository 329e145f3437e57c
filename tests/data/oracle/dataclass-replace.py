from dataclasses import dataclass, replace

@dataclass
class Version:
    major: int
    minor: int

v1 = Version(1, 0)
v2 = replace(v1, minor=1)
v1.major = 2
print(v1, v2)
