# issue 11: a nonlocal is one binding shared by two frames
def counter():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    inc()
    inc()
    return n

total = counter()
print(total)
