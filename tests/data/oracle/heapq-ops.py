import heapq

heap = []
for v in [5, 1, 4, 2]:
    heapq.heappush(heap, v)
smallest = heapq.heappop(heap)
print(smallest, heap)
