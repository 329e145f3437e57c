import weakref

class Item:
    pass

bag = [Item()]
ref = weakref.ref(bag[0])
bag.clear()
print(ref() is None)
