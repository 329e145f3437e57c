pairs = [[3, "c"], [1, "a"], [2, "b"]]
first = pairs[0]
pairs.sort()
pairs[0].append("!")
print(pairs, first)
