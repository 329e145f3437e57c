# Hundreds of random mutations of lists, dicts, sets, nested lists and an instance; every 50 of
# them, prints each container summarised to K items the way the trace summarises it, so a test can
# compare the trace's state at each "# checkpoint" line with what the program itself says.
import os
import random

K = int(os.environ.get("HEAPGLASS_TEST_MAX_ITEMS", "100"))
random.seed(7)


class Obj:
    def __init__(self):
        self.a = 1


a = []
b = {}
c = Obj()
nested = [[1], [2, [3]]]
s = {1, 2}


def mutate(step):
    op = random.randrange(12)
    if op == 0:
        a.append(step)
    elif op == 1 and a:
        a.pop(random.randrange(len(a)))
    elif op == 2:
        a.insert(0, (step, str(step)))
    elif op == 3:
        b[step % 7] = [step]
    elif op == 4 and b:
        b.pop(next(iter(b)))
    elif op == 5:
        c.a = step
        setattr(c, "x%d" % (step % 3), step)
    elif op == 6 and hasattr(c, "x1"):
        del c.x1
    elif op == 7:
        nested[1][1].append(step)
    elif op == 8:
        nested[0] = [step, nested[0]]
    elif op == 9:
        s.add(step % 5)
    elif op == 10:
        a[:] = a[::-1]
    elif op == 11 and a:
        a[len(a) // 2] = {"k": step}


def more(n):
    return ", +%d" % (n - K) if n > K else ""


def short(x, depth=0):
    if depth > 8:
        return "..."
    if isinstance(x, list):
        return "[" + ", ".join(short(i, depth + 1) for i in x[:K]) + more(len(x)) + "]"
    if isinstance(x, tuple):
        one = "," if len(x) == 1 else ""
        return "(" + ", ".join(short(i, depth + 1) for i in x[:K]) + one + more(len(x)) + ")"
    if isinstance(x, set):
        return "{" + ", ".join(short(i, depth + 1) for i in list(x)[:K]) + more(len(x)) + "}"
    if isinstance(x, dict):
        items = list(x.items())[:K]
        return "{" + ", ".join(short(k, depth + 1) + ": " + short(v, depth + 1) for k, v in items) + more(len(x)) + "}"
    if isinstance(x, Obj):
        attrs = list(vars(x).items())[:K]
        return "Obj(" + ", ".join("%s=%s" % (k, short(v, depth + 1)) for k, v in attrs) + ")"
    if isinstance(x, str):
        return "'%s'" % x
    return repr(x)


def report():
    for name in ("a", "b", "c", "nested", "s"):
        print(name, "=", short(globals()[name]))
    print("--")


for step in range(400):
    mutate(step)
    if step % 50 == 49:
        report()  # checkpoint
done = True
