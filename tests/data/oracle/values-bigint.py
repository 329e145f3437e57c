small = 2 ** 53
exact = 2 ** 60
odd = 2 ** 53 + 1
huge = 3 ** 100
neg = -(2 ** 70) - 1
print(small, exact, odd, huge, neg)
