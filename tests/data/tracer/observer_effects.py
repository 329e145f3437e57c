# Things a tracer could disturb: recursion depth, an exception's own __str__ (called once, by the
# traceback, never by the tracer), exec'd code, a global deleted from a function, a module of the
# program's folder imported by name.
import helper_module


def deeper(n):
    return deeper(n + 1)


try:
    deeper(0)
except RecursionError as e:
    print("recursion:", type(e).__name__)


class Loud(Exception):
    def __str__(self):
        print("__str__ called")
        return "loud"


try:
    raise Loud()
except Loud:
    print("caught Loud")
exec("z = 5\nprint('exec', z)")
g = 1


def forget():
    global g
    del g


forget()
print("g still global:", "g" in globals())
print(helper_module.VALUE)
raise Loud()
