from contextlib import contextmanager

log = []

@contextmanager
def tag(name):
    log.append("<" + name + ">")
    yield name
    log.append("</" + name + ">")

with tag("b") as t:
    log.append(t * 2)
print(log)
