def work():
    temp = [1, 2, 3]
    keep = temp[0]
    del temp
    return keep

print(work())
