from sessiondesk.cli import main

main()
