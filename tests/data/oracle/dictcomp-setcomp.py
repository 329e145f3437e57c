words = ["apple", "bob", "cat", "apple"]
lengths = {w: len(w) for w in words}
firsts = {w[0] for w in words}
print(lengths, sorted(firsts))
