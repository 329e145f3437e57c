# A list subclass can be weakly referenced; the referent dies with its last strong reference.
import weakref


class Data(list):
    pass


holder = None


def build():
    global holder
    data = Data(range(50))
    holder = weakref.ref(data)
    return data


result = build()
print("alive:", holder() is not None)
print("same:", holder() is result)
del result
print("after del:", holder() is not None)
