# a callee deep in recursion mutates an object only the outermost caller names
def walk(n, sink):
    if n == 0:
        sink["bottom"].append("reached")
        return
    walk(n - 1, sink)

def start():
    box = {"bottom": []}
    walk(5, box)
    return box

print(start())
