import sys

items = [object()]
x = items[0]
print(sys.getrefcount(x))
y = x
print(sys.getrefcount(x))
del y
print(sys.getrefcount(x))
print(sys.getrefcount(items))
