def counter(start):
    n = start

    def bump(step=1):
        nonlocal n
        n += step
        return n

    return bump


c = counter(10)
c()
c(5)
print(c(), c.__closure__[0].cell_contents)
adders = [lambda x, k=k: x + k for k in range(3)]
print([f(10) for f in adders])
