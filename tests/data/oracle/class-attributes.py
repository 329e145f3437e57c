class Config:
    name = "default"
    retries = 3
    tags = ["a", "b"]

    def describe(self):
        return self.name + str(self.retries)

c = Config()
Config.retries = 4
c.name = "mine"
print(c.describe(), Config.name)
