# issue 11: the <genexpr> frame shows its x
def sq(v):
    return v * v

values = [1, 2, 3]
total = sum(sq(x) for x in values)
print(total)
