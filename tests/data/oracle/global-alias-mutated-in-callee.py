store = []

def add(x):
    store.append(x)

def outer():
    mine = store
    add(1)
    add(2)
    return len(mine)

print(outer())
