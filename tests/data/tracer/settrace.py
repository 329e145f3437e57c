import sys

seen = []


def tracer(frame, event, arg):
    if frame.f_code.co_name == "work":
        seen.append(event)
    return tracer


def work():
    a = 1
    b = a + 1
    return b


sys.settrace(tracer)
work()
sys.settrace(None)
print(seen[:3], sys.gettrace())
