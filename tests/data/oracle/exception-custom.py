class Insufficient(Exception):
    def __init__(self, need):
        super().__init__("need " + str(need))
        self.need = need

def withdraw(balance, amount):
    if amount > balance:
        raise Insufficient(amount - balance)
    return balance - amount

try:
    withdraw(10, 25)
except Insufficient as e:
    short = e.need
print(short)
