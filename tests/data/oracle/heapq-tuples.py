import heapq

tasks = []
heapq.heappush(tasks, (2, "write", []))
heapq.heappush(tasks, (1, "read", []))
prio, name, log = heapq.heappop(tasks)
log.append("done")
print(name, tasks[0][1])
