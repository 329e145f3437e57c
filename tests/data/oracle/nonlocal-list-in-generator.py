def make():
    seen = []
    def gen(n):
        nonlocal seen
        for i in range(n):
            seen = seen + [i]
            yield i
    return gen, lambda: seen

gen, get = make()
total = sum(gen(3))
print(total, get())
