s = "abc"
t = s
s += "d"
print(s, t)
