import sys

sys.stdout.write("x" * 300000 + "\n")
for i in range(3):
    print(i, file=sys.stderr)
print("end")
