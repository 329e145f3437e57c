from collections import deque

q = deque([1, 2])
q.append(3)
q.appendleft(0)
first = q.popleft()
print(first, list(q))
