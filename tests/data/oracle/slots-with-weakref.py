class P:
    __slots__ = ("a", "__weakref__")
import weakref
p = P()
p.a = [1]
r = weakref.ref(p)
p.a.append(2)
del p
print(r())
