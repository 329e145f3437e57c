class Ticket:
    issued = []

    def __init__(self, n):
        self.n = n
        Ticket.issued.append(self)

a = Ticket(1)
b = Ticket(2)
count = len(Ticket.issued)
print(count)
