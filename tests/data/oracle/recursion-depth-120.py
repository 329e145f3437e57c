def down(n, acc):
    if n == 0:
        return acc
    acc.append(n)
    return down(n - 1, acc)

trail = down(120, [])
print(len(trail))
