people = [("ann", 31), ("bob", 25), ("cid", 40)]

def age(p):
    return p[1]

people.sort(key=age)
print(people)
