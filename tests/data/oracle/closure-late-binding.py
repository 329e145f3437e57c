funcs = []
for i in range(3):
    def show():
        return i
    funcs.append(show)
print([f() for f in funcs])
