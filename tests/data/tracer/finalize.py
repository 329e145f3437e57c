import weakref


class Resource:
    pass


r = Resource()
f = weakref.finalize(r, print, "finalized")
print("alive", f.alive)
del r
print("alive", f.alive)
