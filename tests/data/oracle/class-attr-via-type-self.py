class Counter:
    count = 0

    def hit(self):
        type(self).count += 1
        return self.count

c = Counter()
c.hit()
c.hit()
print(Counter.count)
