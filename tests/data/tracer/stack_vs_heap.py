# Names live in frames, objects live on the heap (Heapglass's own take on the chapter's example).
if __name__ == "__main__":
    print("-" * 40)
    count = 7
    who = "Ada"
    values = [4, 5, 6]
    print(f"made count={count}, who={who!r}, values={values}")

    def caller():
        print("  caller starts")
        callee()
        print("  caller ends")

    def callee():
        count = 99
        print(f"  callee sees count = {count}")

    caller()
    print("done:", count)
