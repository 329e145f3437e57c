def shout(s):
    return s.upper()

def whisper(s):
    return s.lower()

styles = {"loud": shout, "soft": whisper}
pick = styles["loud"]
out = pick("hi")
print(out)
