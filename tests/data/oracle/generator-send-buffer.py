def gen():
    buf = []
    while True:
        x = yield buf
        buf.append(x)
g = gen()
out = next(g)
g.send(1)
g.send([2])
print(out)
