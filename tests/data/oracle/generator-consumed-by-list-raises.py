def items():
    yield "a"
    yield "b"
    raise RuntimeError("broken")

try:
    got = list(items())
except RuntimeError as e:
    got = e.args
print(got)
