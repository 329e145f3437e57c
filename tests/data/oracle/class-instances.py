class Account:
    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount):
        self.balance += amount
        return self.balance

acct = Account("ana")
acct.deposit(50)
other = Account("bo", 10)
other.deposit(5)
print(acct.balance, other.balance)
