import gc

class Box:
    pass

a = Box()
a.me = a
del a
gc.collect()
done = True
