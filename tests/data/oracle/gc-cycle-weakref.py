import gc
class N:
    pass
a = N(); b = N()
a.other = b; b.other = a
import weakref
r = weakref.ref(a)
del a, b
alive = r() is not None
gc.collect()
dead = r() is None
print(alive, dead)
