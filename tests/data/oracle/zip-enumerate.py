names = ["a", "b", "c"]
scores = [3, 1, 2]
pairs = list(zip(names, scores))
indexed = [(i, n) for i, n in enumerate(names)]
print(pairs, indexed)
