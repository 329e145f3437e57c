class Stack:
    def __init__(self):
        self.items = []

    def push(self, x):
        self.items.append(x)

    def pop(self):
        return self.items.pop()

s = Stack()
s.push("a")
s.push("b")
top = s.pop()
print(top, s.items)
