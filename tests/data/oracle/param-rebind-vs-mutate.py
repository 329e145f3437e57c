def rebind(lst):
    lst = [0]
    return lst

def mutate(lst):
    lst.append(0)

data = [1]
rebind(data)
mutate(data)
print(data)
