import atexit

atexit.register(print, "at exit")
print("main")
