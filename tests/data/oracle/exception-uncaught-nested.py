def a(n):
    return b(n) + 1

def b(n):
    return 10 // n

print(a(2))
print(a(0))
