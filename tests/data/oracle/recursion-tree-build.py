def build(level):
    if level == 0:
        return []
    return [build(level - 1), build(level - 1)]

tree = build(3)
print(len(tree))
