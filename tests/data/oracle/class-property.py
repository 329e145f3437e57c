class Temp:
    def __init__(self, c):
        self._c = c

    @property
    def f(self):
        return self._c * 9 / 5 + 32

t = Temp(100)
value = t.f
t._c = 0
print(value, t.f)
