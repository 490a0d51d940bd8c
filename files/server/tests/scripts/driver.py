"""A generated driver module in front of the real script, as some Azure SDKs write them."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import schema as driver_module


def init():
    driver_module.init()


def run(**kwargs):
    return driver_module.run(**kwargs)
