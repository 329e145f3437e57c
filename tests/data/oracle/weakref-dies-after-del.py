import weakref

class Thing:
    pass

t = Thing()
r = weakref.ref(t)
alive = r() is not None
del t
dead = r() is None
print(alive, dead)
