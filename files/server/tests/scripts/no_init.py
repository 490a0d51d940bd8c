"""A script that forgot init()."""


def run(data):
    return data
