import copy

src = {"a": [1, 2], "b": [3]}
src["self"] = src["a"]
dup = copy.deepcopy(src)
dup["a"].append(9)
same = dup["self"] is dup["a"]
print(src["a"], dup["self"], same)
