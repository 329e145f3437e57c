def risky():
    local = [1, 2]
    raise ValueError(local)
try:
    risky()
except ValueError as e:
    saved = e
got = saved.args[0]
got.append(3)
print(got)
