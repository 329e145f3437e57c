import json

data = {"a": [1, 2], "b": None}
text = json.dumps(data)
back = json.loads(text)
same = back == data
print(text, same)
