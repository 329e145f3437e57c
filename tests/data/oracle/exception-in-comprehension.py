def check(v):
    if v > 2:
        raise ValueError("too big: " + str(v))
    return v

try:
    out = [check(v) for v in [1, 2, 3]]
except ValueError as e:
    out = str(e)
print(out)
