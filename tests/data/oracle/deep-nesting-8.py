# issue 11: nesting is never cut
deep = [[[[[[[[0]]]]]]]]
deep[0][0][0][0][0][0][0].append(1)
print(deep)
