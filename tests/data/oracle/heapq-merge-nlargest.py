import heapq

a = [1, 4, 7]
b = [2, 5, 8]
merged = list(heapq.merge(a, b))
top = heapq.nlargest(2, merged)
heapq.heapify(b)
print(merged, top)
