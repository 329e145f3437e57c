s = "a\x00b"
t = "tab\there\nnew"
u = "h\u00e9llo \u2603"
emoji = "\U0001f600!"
print(len(s), len(u), len(emoji))
