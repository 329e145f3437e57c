import sys

def finish(code):
    print("bye")
    sys.exit(code)

items = [1, 2]
finish(3)
