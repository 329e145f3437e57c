def inner(d):
    return d["missing"]


def outer():
    data = {"present": 1}
    return inner(data)


try:
    outer()
except KeyError as e:
    print("caught", e)
outer()
