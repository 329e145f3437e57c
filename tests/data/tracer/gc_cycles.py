import gc


class Node:
    def __init__(self, name):
        self.name = name
        self.other = None


a = Node("a")
b = Node("b")
a.other = b
b.other = a
del a, b
print("collected", gc.collect() > 0)
lst = []
lst.append(lst)
print(len(lst), lst[0] is lst)
