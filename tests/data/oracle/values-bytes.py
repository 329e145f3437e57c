raw = b"\x00\xffabc"
quote = b"it's"
both = b"'\""
empty = b""
text = raw.hex()
print(len(raw), text)
