def outer(a):
    def middle(b):
        def inner(c):
            return a + b + c
        return inner(3)
    return middle(2)

print(outer(1))
