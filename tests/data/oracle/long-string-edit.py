text = "a" * 250
text = text[:100] + "B" + text[101:]
short = text[95:105]
print(short, len(text))
