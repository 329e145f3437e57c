long_text = "x" * 300 + "end"
words = " ".join(["word"] * 60)
print(len(long_text), len(words))
