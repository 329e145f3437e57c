point = (1, 2)
nested = (point, [3, 4])
nested[1].append(5)
seen = {1, 2, 3}
seen.add(4)
frozen = frozenset([1, 2])
print(nested, sorted(seen), sorted(frozen))
