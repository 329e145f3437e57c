# issue 11: a list mutated through a bound method handed to a callee
def fill(push):
    push(1)
    push(2)
    push(3)

data = []
fill(data.append)
print(data)
