# more items than K: the first K are shown, the length is exact
big = list(range(150))
big[0] = "first"
big.append("last")
print(len(big))
