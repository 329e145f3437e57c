import queue, bisect, random, copy
q = queue.Queue()
q.put([1])
q.put("two")
first = q.get()
rows = [[3, 1], [2]]
bisect.insort(rows[1], 1)
random.seed(4)
random.shuffle(rows[0])
nested = {"a": {"b": []}}
twin = copy.deepcopy(nested)
def grow(d):
    d["a"]["b"].append(len(d))
grow(twin)
import collections
od = collections.OrderedDict(a=1, b=2)
od.move_to_end("a")
print(first, rows, twin, list(od))
