def reader(buf):
    while buf:
        yield buf.pop(0)

buffer = [1, 2, 3]
r = reader(buffer)
first = next(r)
buffer.append(4)
rest = list(r)
print(first, rest, buffer)
