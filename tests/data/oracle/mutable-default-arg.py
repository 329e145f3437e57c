def add(item, bucket=[]):
    bucket.append(item)
    return bucket

first = add(1)
second = add(2)
print(first is second, second)
