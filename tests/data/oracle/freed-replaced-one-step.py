# issue 11: an object freed and replaced at the same address in one step
lst = [[1]]
lst.pop(); lst.append([2])
print(lst)
