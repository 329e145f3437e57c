parts = []
for word in ["heap", "and", "stack"]:
    parts.append(word.upper())
sentence = " ".join(parts)
shout = sentence + "!"
print(shout)
