class Meta(type):
    registry = []
    def __new__(mcls, name, bases, ns):
        cls = super().__new__(mcls, name, bases, ns)
        mcls.registry.append(name)
        return cls

class A(metaclass=Meta):
    x = 1

class B(A):
    y = 2

print(Meta.registry)
