"""What the tests share: accounts and signed scopes, the demo's date, the command line, browsers."""
