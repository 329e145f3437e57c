flag = True
other = not flag
nothing = None
mixed = [flag, other, nothing, 0, 1]
print(mixed)
