# a new list may land where the old one was freed: it is a new object
a = [1]
for i in range(4):
    a = [i]
print(a)
