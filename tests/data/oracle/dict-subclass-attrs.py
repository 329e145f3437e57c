class D(dict):
    def __init__(self):
        super().__init__()
        self.extra = []

d = D()
d["k"] = [1]
d.extra.append(d["k"])
del d["k"]
print(d.extra)
