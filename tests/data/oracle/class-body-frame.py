class Shape:
    sides = 0
    names = [str(i) for i in range(2)]
    label = "shape" + str(sides)

print(Shape.label, Shape.names)
