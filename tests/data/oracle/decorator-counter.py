def counted(fn):
    calls = [0]
    def wrapper(*args):
        calls[0] += 1
        return fn(*args)
    wrapper.calls = calls
    return wrapper

@counted
def square(x):
    return x * x

square(2)
square(3)
print(square.calls)
