def down(n):
    if n == 0:
        raise LookupError("bottom")
    return down(n - 1)

try:
    down(3)
except LookupError as e:
    msg = e.args[0]
print(msg)
