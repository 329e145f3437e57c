funcs = [lambda i=i: i * 2 for i in range(3)]
print([f() for f in funcs])
