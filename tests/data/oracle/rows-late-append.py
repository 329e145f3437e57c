# issue 11: a per-step budget must not starve the last rows
rows = [[[i], [i]] for i in range(100)]
rows[99][1].append("late")
print(rows[99])
