def numbers(n):
    for i in range(n):
        yield i

def squares(seq):
    for x in seq:
        yield x * x

result = list(squares(numbers(4)))
print(result)
