class Base:
    kind = "base"
obj = Base()
obj.kind = "mine"
del obj.kind
Base.kind = "changed"
print(obj.kind)
