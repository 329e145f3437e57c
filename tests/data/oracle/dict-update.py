base = {"a": 1, "b": 2}
extra = {"b": 20, "c": 30}
view = base
base.update(extra)
base.update(d=4)
print(view)
