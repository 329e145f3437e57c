class Stack(list):
    def push(self, v):
        self.append(v)
        self.size = len(self)
s = Stack()
s.push(1)
s.push([2])
print(s, s.size)
