def squares(n):
    for i in range(n):
        yield i * i


def pairs(items):
    it = iter(items)
    for a in it:
        b = next(it, None)
        yield (a, b)


g = squares(4)
print(next(g))
print(list(g))
print(list(pairs("abcde")))
total = sum(x for x in squares(5))
print(total)
