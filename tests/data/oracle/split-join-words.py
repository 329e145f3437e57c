line = "the quick brown fox"
words = line.split()
words[1] = "slow"
caps = [w.capitalize() for w in words]
back = "-".join(caps)
print(back)
