class Node:
    def __init__(self, v, nxt=None):
        self.v = v
        self.nxt = nxt

head = Node(1, Node(2, Node(3)))
prev = None
cur = head
while cur:
    nxt = cur.nxt
    cur.nxt = prev
    prev = cur
    cur = nxt
head = prev
print(head.v, head.nxt.v)
