from collections import Counter

counts = Counter("banana")
counts["z"] += 1
top = counts.most_common(1)
print(top)
