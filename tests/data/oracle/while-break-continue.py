n = 0
odds = []
while True:
    n += 1
    if n > 7:
        break
    if n % 2 == 0:
        continue
    odds.append(n)
print(odds)
