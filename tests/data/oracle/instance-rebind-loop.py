class Cell:
    def __init__(self, v):
        self.v = v

c = Cell(0)
for i in range(1, 4):
    c = Cell(i)
print(c.v)
