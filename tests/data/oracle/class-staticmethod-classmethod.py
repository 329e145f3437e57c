class Counter:
    made = 0

    def __init__(self):
        Counter.made += 1

    @classmethod
    def make(cls):
        return cls()

    @staticmethod
    def twice(x):
        return 2 * x

a = Counter.make()
b = Counter()
print(Counter.made, Counter.twice(4))
