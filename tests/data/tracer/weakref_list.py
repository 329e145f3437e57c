# A plain list cannot be weakly referenced: CPython raises TypeError.
import weakref

holder = None


def build():
    global holder
    data = list(range(50))
    holder = weakref.ref(data)
    return data


result = build()
print("alive:", holder() is not None)
