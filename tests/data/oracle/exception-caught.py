def parse(text):
    return int(text)

try:
    value = parse("12x")
except ValueError as err:
    value = -1
    message = str(err)
print(value)
