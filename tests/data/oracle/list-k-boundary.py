row = list(range(101))
row[99] = "ninety-nine"
row[100] = "hundred"
row.insert(0, "start")
print(row[99], row[100], len(row))
