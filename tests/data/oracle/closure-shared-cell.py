def make_pair():
    count = 0
    def up():
        nonlocal count
        count += 1
    def down():
        nonlocal count
        count -= 1
    return up, down

up, down = make_pair()
up()
up()
down()
print(up.__closure__[0].cell_contents)
