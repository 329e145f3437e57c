print("about to stop")
raise KeyboardInterrupt
