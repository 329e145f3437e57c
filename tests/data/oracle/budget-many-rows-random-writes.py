# many containers changed a little at every step: none may be left stale
import random

rng = random.Random(3)
table = [[0, 0, 0] for _ in range(300)]
for step in range(40):
    r = rng.randrange(300)
    table[r][step % 3] = step
print(sum(map(sum, table)))
