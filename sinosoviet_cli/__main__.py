from sinosoviet_cli.cli import main

main()
