big = {i: [i] for i in range(150)}
big[149].append("late")
big[40].append("early")
big["new"] = "x"
print(big[149], big[40], len(big))
