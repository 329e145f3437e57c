d = {}
for k in "abc":
    d = {k: len(k)}
print(d)
