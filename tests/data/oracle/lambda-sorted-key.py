rows = [("b", 2), ("a", 3), ("c", 1)]
by_num = sorted(rows, key=lambda r: r[1])
by_name = sorted(rows)
print(by_num[0], by_name[0])
