nan = float("nan")
inf = float("inf")
ninf = -inf
third = 1 / 3
whole = 2.0
tiny = 5e-324
print(nan, inf, ninf, third, whole, tiny)
