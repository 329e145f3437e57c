# A shape the fuzzer produces often: a closure with a mutable cell, a class counting its
# instances, a generator, an exception caught with finally, and sys.exit at the end.
import sys
def make_adder(k):
    total = [k]
    def add(n):
        total[0] += 1
        return n + k + total[0]
    return add
class C0:
    count = 0
    def __init__(self, a):
        self.a = a
        self.b = [a]
        C0.count += 1
    def __repr__(self):
        return f'C0({self.a})'
def gen(m):
    for i in range(m):
        yield i * 2
f1 = make_adder(3)
objs = [C0(f1(i)) for i in gen(4)]
try:
    objs[1].b.append({'k1': 2}['k2'])
except (KeyError, IndexError) as e:
    print('caught', type(e).__name__, e)
finally:
    print('finally', objs, C0.count)
sys.exit(len(objs))
