def items():
    yield 1
    raise ValueError("stop here")

collected = []
try:
    for x in items():
        collected.append(x)
except ValueError as e:
    why = str(e)
print(collected, why)
