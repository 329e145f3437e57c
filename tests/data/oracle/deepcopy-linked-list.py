import copy

class Node:
    def __init__(self, value, next=None):
        self.value = value
        self.next = next

head = None
for v in range(8):
    head = Node(v, head)
twin = copy.deepcopy(head)
count = 0
node = twin
while node is not None:
    count += 1
    node = node.next
print(count)
