def double(v):
    return 2 * v

nums = [3, 1, 2]
out = [double(n) for n in nums if n > 1]
print(out)
