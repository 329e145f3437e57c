import functools

def base(x):
    """doubles"""
    return 2 * x

@functools.wraps(base)
def wrapped(x):
    return base(x) + 1

info = (wrapped.__name__, wrapped.__doc__)
print(info, wrapped(3))
