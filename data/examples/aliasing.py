# aliasing.py: two names, one list. Run it in Heapglass and watch `team` and `roster` point at
# the same object, then a real copy appear.

def add_member(group, name):
    group.append(name)
    return len(group)

team = ["Ada", "Grace"]
roster = team
size = add_member(roster, "Linus")
print(team, size)
print("same list:", roster is team)

snapshot = list(team)
snapshot.append("Barbara")
print(team, snapshot)
print("same list:", snapshot is team)
