import json

doc = json.loads('{"users": [{"name": "ana", "tags": ["a", "b"]}, {"name": "bo", "tags": []}]}')
doc["users"][1]["tags"].append("new")
first = doc["users"][0]
print(first["tags"], doc["users"][1])
