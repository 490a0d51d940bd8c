"""Undecorated run(): receives the body (or the GET query) as a str and returns it."""


def init():
    pass


def run(data):
    return {"received": data}
