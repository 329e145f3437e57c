class Link:
    def __init__(self, v, nxt):
        self.v = v
        self.nxt = nxt

head = None
for i in range(20):
    head = Link(i, head)
tail = head
while tail.nxt:
    tail = tail.nxt
tail.v = "end"
print(tail.v)
