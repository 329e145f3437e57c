def gen():
    yield 1
    return "done"

def outer():
    result = yield from gen()
    yield result

print(list(outer()))
