d = {"a": [1], "b": [2]}
d.clear()
d["c"] = [3]
print(d)
