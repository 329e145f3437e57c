import weakref

class A:
    pass

x = A()
r1 = weakref.ref(x)
y = x
del x
still = r1() is y
y = 0
print(still, r1())
