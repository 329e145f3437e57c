def explode(items):
    return items[5]

data = [1, 2, 3]
explode(data)
