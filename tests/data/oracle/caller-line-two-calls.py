def sq(n):
    return n * n

x = sq(2) + sq(3)
print(x)
