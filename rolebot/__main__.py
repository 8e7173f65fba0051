from rolebot.cli import main

main()
