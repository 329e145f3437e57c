def tree(n):
    if n:
        yield n
        yield from tree(n - 1)
        yield from tree(n - 1)
print(list(tree(3)))
