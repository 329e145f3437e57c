names = ["cy", "al", "bo"]
alias = names
names.sort()
ordered = sorted(names, reverse=True)
print(alias, ordered)
