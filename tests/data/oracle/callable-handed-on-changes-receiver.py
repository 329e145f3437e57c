import functools
seen = []
record = seen.append
list(map(record, "xy"))
log = {}
put = log.__setitem__
list(map(put, [1, 2], ["a", "b"]))
class Box:
    def __init__(self):
        self.items = []
    def add(self, v):
        self.items.append(v)
box = Box()
adder = box.add
list(map(adder, [7, 8]))
extra = []
later = functools.partial(extra.append, "p")
later()
calls = [extra.append]
list(map(calls[0], [5]))
print(seen, log, box.items, extra)
