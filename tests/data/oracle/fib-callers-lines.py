# issue 11: each caller is at its own line, not at the callee's
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

print(fib(5))
