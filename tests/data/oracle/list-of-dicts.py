people = [{"name": "ana", "age": 30}, {"name": "bo", "age": 20}]
for p in people:
    p["adult"] = p["age"] >= 21
names = [p["name"] for p in people if p["adult"]]
print(names)
