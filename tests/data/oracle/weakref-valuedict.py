import weakref

class Obj:
    def __init__(self, n):
        self.n = n

cache = weakref.WeakValueDictionary()
a = Obj(1)
cache["a"] = a
size_before = len(cache)
del a
size_after = len(cache)
print(size_before, size_after)
