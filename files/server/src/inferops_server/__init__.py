"""An Azure ML compatible scoring server: serves an unchanged score.py (init()/run()) over HTTP."""

__version__ = "0.1.0"
