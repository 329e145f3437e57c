import weakref

class Res:
    pass

def make():
    r = Res()
    return weakref.ref(r)

ref = make()
gone = ref() is None
print(gone)
