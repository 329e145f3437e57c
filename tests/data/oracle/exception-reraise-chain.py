def inner():
    raise ValueError("bad value")

def outer():
    try:
        inner()
    except ValueError as e:
        raise RuntimeError("wrapped") from e

try:
    outer()
except RuntimeError as e:
    cause = type(e.__cause__).__name__
print(cause)
