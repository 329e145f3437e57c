def risky(n):
    log = []
    try:
        log.append("start")
        if n:
            raise KeyError("k")
    finally:
        log.append("end")
    return log

try:
    risky(1)
except KeyError:
    pass
print(risky(0))
