import random

rng = random.Random(7)
pool = list(range(20))
chosen = rng.sample(pool, 4)
rng.shuffle(pool)
print(chosen, pool[:3])
